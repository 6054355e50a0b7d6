// A quiet centred message for "nothing to show", with optional extra content (a hint or an action).
export function EmptyState({
  title,
  children,
  className = "",
}: {
  title: string;
  children?: React.ReactNode;
  className?: string;
}) {
  return (
    <div
      className={`flex min-h-32 flex-col items-center justify-center gap-2 text-center text-sm text-slate-500 dark:text-slate-400 ${className}`}
    >
      <p className="font-medium">{title}</p>
      {children}
    </div>
  );
}
