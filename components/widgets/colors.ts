// Series colours: mid-tone hues that keep contrast on both white and slate-950 backgrounds.
// Embeds pass an `accent` (their brand colour), which replaces the first hue.
export const PALETTE = [
  "#6366f1",
  "#14b8a6",
  "#f59e0b",
  "#ec4899",
  "#0ea5e9",
  "#8b5cf6",
  "#84cc16",
  "#f97316",
] as const;

/** "Other" is grey so it never reads as one more real group. */
export const OTHER_COLOR = "#94a3b8";

export const DEFAULT_ACCENT = PALETTE[0];

export function seriesColor(index: number, accent: string = DEFAULT_ACCENT, other = false): string {
  if (other) return OTHER_COLOR;
  return index === 0 ? accent : PALETTE[index % PALETTE.length]!;
}
