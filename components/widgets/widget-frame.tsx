// The card around a widget: title, and the loading / pending / error / empty states, so every
// dashboard and embed handles them the same way. Pass the widget as children; it renders only when
// there is data.
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
  /**
   * The children show the previous view's data while the current view's is on its way (a range or
   * filter just changed): they are dimmed and the card says it is updating, so old numbers never
   * pass for new ones.
   */
  pending?: boolean;
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
  pending = false,
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
  const showsPending = pending && !loading && !error;
  return (
    <section
      aria-label={title}
      aria-busy={loading || showsPending}
      data-pending={showsPending || undefined}
      className={`flex min-w-0 flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      {toolbar}
      {(title || actions) && (
        // As tall as its buttons whether they show yet or not: the card keeps its height when data arrives.
        <header className="flex min-h-6 items-center justify-between gap-2">
          {title && <h3 className="min-w-0 truncate text-sm font-semibold">{title}</h3>}
          {showsPending && <UpdatingBadge />}
          {actions}
        </header>
      )}
      {!(title || actions) && showsPending && <UpdatingBadge />}
      {/* Dimmed after a short delay, so an answer that comes at once does not flash; restored at once. */}
      <div
        className={`flex min-w-0 flex-1 flex-col transition-opacity ${showsPending ? "opacity-40 delay-150 duration-200" : ""}`}
      >
        {body}
      </div>
    </section>
  );
}

/** "Updating…" with a spinner: the card's data is for the previous view until the new one arrives. */
function UpdatingBadge() {
  return (
    <span
      data-testid="widget-updating"
      className="ml-auto flex shrink-0 items-center gap-1 text-xs text-slate-600 dark:text-slate-300"
    >
      <span
        aria-hidden="true"
        className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-r-transparent"
      />
      Updating…
    </span>
  );
}
