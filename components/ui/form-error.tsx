// What went wrong with a form or an action, announced to screen readers as it appears. Takes the
// error as it comes (an Error, a message, or nothing: then it renders nothing).
export function FormError({ error, className = "" }: { error: unknown; className?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className={`text-sm text-red-700 dark:text-red-400 ${className}`}>
      {message}
    </p>
  );
}
