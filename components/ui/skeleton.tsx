// A pulsing placeholder block; callers size it with className (or style, for a size in pixels).
import type { CSSProperties } from "react";

export function Skeleton({
  className = "",
  style,
  ...props
}: {
  className?: string;
  style?: CSSProperties;
  "data-testid"?: string;
}) {
  return (
    <div
      aria-hidden="true"
      className={`animate-pulse rounded-md bg-slate-200 dark:bg-slate-800 ${className}`}
      style={style}
      {...props}
    />
  );
}
