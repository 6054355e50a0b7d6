// The card around a widget: title, and the loading / error / empty states, so every dashboard and
// embed handles them the same way. Pass the widget as children; it renders only when there is data.
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { type SkeletonShape, WidgetSkeleton } from "./widget-skeleton";

export interface WidgetFrameProps {
  title?: string;
  /** Extra controls at the right of the title (menu, date range). */
  actions?: React.ReactNode;
  /** Controls on a row of their own above the title (move, edit, delete): they never cover it or the actions. */
  toolbar?: React.ReactNode;
  loading?: boolean;
  /** The outline shown while loading, about the size of what will replace it. */
  skeleton?: SkeletonShape;
  error?: Error | string | null;
  onRetry?: () => void;
  empty?: boolean;
  className?: string;
  children?: React.ReactNode;
}

export function WidgetFrame({
  title,
  actions,
  toolbar,
  loading = false,
  skeleton,
  error = null,
  onRetry,
  empty = false,
  className = "",
  children,
}: WidgetFrameProps) {
  let body = children;
  if (loading) {
    body = (
      <div>
        <span className="sr-only">Loading…</span>
        <WidgetSkeleton shape={skeleton} />
      </div>
    );
  } else if (error) {
    body = (
      <EmptyState title="Could not load this widget">
        <p role="alert" className="max-w-sm text-xs">
          {typeof error === "string" ? error : error.message}
        </p>
        {onRetry && (
          <Button size="sm" onClick={onRetry}>
            Retry
          </Button>
        )}
      </EmptyState>
    );
  } else if (empty) {
    body = <EmptyState title="No data in this period" />;
  }
  return (
    <section
      aria-label={title}
      aria-busy={loading}
      className={`flex min-w-0 flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      {toolbar}
      {(title || actions) && (
        // As tall as its buttons whether they show yet or not: the card keeps its height when data arrives.
        <header className="flex min-h-6 items-center justify-between gap-2">
          {title && <h3 className="min-w-0 truncate text-sm font-semibold">{title}</h3>}
          {actions}
        </header>
      )}
      {body}
    </section>
  );
}
