// The accessible shell of every SVG chart: the drawing is one image with a spoken summary, and the
// numbers behind it sit in a visually hidden table (outside the image, whose children a screen
// reader would otherwise skip).
export function ChartFigure({
  summary,
  height,
  table,
  children,
}: {
  summary: string;
  height: number;
  table: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <figure className="m-0">
      <div role="img" aria-label={summary} className="w-full text-slate-500 dark:text-slate-400" style={{ height }}>
        {children}
      </div>
      <div className="sr-only">{table}</div>
    </figure>
  );
}
