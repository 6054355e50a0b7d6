// Grid layout of a report's widgets on 12 columns: moves and resizes, then compaction so no two
// widgets overlap and nothing floats with a gap above it.
import type { Grid } from "./schemas";

export const COLUMNS = 12;

export interface Placed {
  id: string;
  grid: Grid;
}

function overlaps(a: Grid, b: Grid): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Reading order (top to bottom, left to right), each widget pulled up as far as it fits. */
export function compact(items: Placed[]): Placed[] {
  const ordered = [...items].sort((a, b) => a.grid.y - b.grid.y || a.grid.x - b.grid.x);
  const placed: Placed[] = [];
  for (const item of ordered) {
    const w = Math.min(item.grid.w, COLUMNS);
    const x = Math.min(item.grid.x, COLUMNS - w);
    let y = 0;
    while (placed.some((p) => overlaps(p.grid, { x, y, w, h: item.grid.h }))) y++;
    placed.push({ id: item.id, grid: { x, y, w, h: item.grid.h } });
  }
  return placed;
}

/** Dropping one widget on another swaps their places (and sizes stay with the widgets). */
export function swap(items: Placed[], draggedId: string, targetId: string): Placed[] {
  const dragged = items.find((i) => i.id === draggedId);
  const target = items.find((i) => i.id === targetId);
  if (!dragged || !target || draggedId === targetId) return items;
  return compact(
    items.map((i) => {
      if (i.id === draggedId) return { id: i.id, grid: { ...i.grid, x: target.grid.x, y: target.grid.y } };
      if (i.id === targetId) return { id: i.id, grid: { ...i.grid, x: dragged.grid.x, y: dragged.grid.y } };
      return i;
    }),
  );
}

export function resize(items: Placed[], id: string, size: { w: number; h: number }): Placed[] {
  return compact(
    items.map((i) => (i.id === id ? { id, grid: { ...i.grid, w: Math.max(1, Math.min(COLUMNS - i.grid.x, size.w)), h: Math.max(1, Math.min(12, size.h)) } } : i)),
  );
}
