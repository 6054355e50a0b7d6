// The 12-column grid a report's widgets are drawn on, shared by the report page and report embeds:
// rows of 90 px (16 px apart) from 768 px of width up; below that one column in the saved order,
// each card as tall as its content. A cell's place comes from the saved grid (lib/reports/layout.ts)
// through two CSS variables, applied only on the 12-column grid.
import type { CSSProperties } from "react";
import type { Grid } from "@/lib/reports/schemas";

export const ROW_PX = 90;
export const GAP_PX = 16;

export const gridClass = "grid grid-cols-1 gap-4 md:auto-rows-[90px] md:grid-cols-12";
export const cellClass = "relative min-w-0 md:[grid-column:var(--col)] md:[grid-row:var(--row)]";

export function cellStyle(grid: Grid): CSSProperties {
  return { "--col": `${grid.x + 1} / span ${grid.w}`, "--row": `${grid.y + 1} / span ${grid.h}` } as CSSProperties;
}
