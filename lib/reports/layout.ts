// Grid layout of a report's widgets on 12 columns. A layout is an order plus each widget's size:
// the widgets are placed one after another, each in the first free slot at or after the one before
// it (CSS Grid's own auto-placement), so nothing overlaps and the reading order, the keyboard order
// and the one-column phone layout are all the saved order. Moving a widget changes its place in
// that order; resizing it changes its size; either way the layout is placed again.
import type { Grid } from "./schemas";

export const COLUMNS = 12;
/** The tallest a widget may be, in rows. */
export const MAX_ROWS = 12;

export interface Placed {
  id: string;
  grid: Grid;
}

export interface Size {
  w: number;
  h: number;
}

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(value)));

/** A size the grid can hold: 1-12 columns, 1-12 rows. */
export function clampSize(size: Size): Size {
  return { w: clamp(size.w, 1, COLUMNS), h: clamp(size.h, 1, MAX_ROWS) };
}

/** Top to bottom, then left to right: the order a saved layout stands for. */
export function readingOrder<T extends Placed>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.grid.y - b.grid.y || a.grid.x - b.grid.x);
}

/**
 * Places widgets in the given order: each goes at the first position, scanning rows left to right
 * from just after the previous widget, where it overlaps nothing. A prefix of the order is placed
 * the same whatever follows it, so appending a widget moves no other.
 */
export function pack(items: readonly { id: string; size: Size }[]): Placed[] {
  const occupied: boolean[][] = [];
  const isFree = (x: number, y: number, { w, h }: Size) => {
    for (let row = y; row < y + h; row++) for (let col = x; col < x + w; col++) if (occupied[row]?.[col]) return false;
    return true;
  };
  let row = 0;
  let col = 0;
  return items.map(({ id, size }) => {
    const { w, h } = clampSize(size);
    for (;;) {
      if (col + w > COLUMNS) {
        row++;
        col = 0;
      } else if (isFree(col, row, { w, h })) break;
      else col++;
    }
    for (let r = row; r < row + h; r++) {
      occupied[r] ??= [];
      for (let c = col; c < col + w; c++) occupied[r]![c] = true;
    }
    const grid = { x: col, y: row, w, h };
    col += w;
    return { id, grid };
  });
}

const sized = (item: Placed) => ({ id: item.id, size: { w: item.grid.w, h: item.grid.h } });

/** The layout placed again in its reading order: the same layout when it is already packed. */
export function normalize(items: readonly Placed[]): Placed[] {
  return pack(readingOrder(items).map(sized));
}

/** Moves a widget to `index` in the order (clamped to the ends). */
export function move(items: readonly Placed[], id: string, index: number): Placed[] {
  const order = readingOrder(items).map(sized);
  const from = order.findIndex((item) => item.id === id);
  if (from < 0) return [...items];
  const [moved] = order.splice(from, 1);
  order.splice(clamp(index, 0, order.length), 0, moved!);
  return pack(order);
}

export function resize(items: readonly Placed[], id: string, size: Size): Placed[] {
  return pack(readingOrder(items).map((item) => (item.id === id ? { id, size } : sized(item))));
}

/**
 * Where a new widget of this size goes: the first slot of the grid, in reading order, that it can
 * take without moving any other widget: beside the last one when its row has room, or in a gap
 * left beside a taller widget or before a wider one. Returns its place in the order (for `insert`)
 * and the grid it gets there. Appending always qualifies (a packed prefix never moves), so there
 * is always an answer.
 */
export function firstFreeSlot(items: readonly Placed[], size: Size): { index: number; grid: Grid } {
  const NEW = "(the new widget)";
  const before = new Map(normalize(items).map((p) => [p.id, p.grid]));
  const same = (a: Grid, b: Grid | undefined) => !!b && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
  let best: { index: number; grid: Grid } | null = null;
  for (let index = 0; index <= items.length; index++) {
    const layout = insert(items, { id: NEW, size }, index);
    if (!layout.every((p) => p.id === NEW || same(p.grid, before.get(p.id)))) continue;
    const grid = layout.find((p) => p.id === NEW)!.grid;
    if (!best || grid.y < best.grid.y || (grid.y === best.grid.y && grid.x < best.grid.x)) best = { index, grid };
  }
  return best!;
}

/** How many widgets come before this place in reading order: where a widget put there goes in the order. */
export function orderIndexAt(items: readonly Placed[], grid: Pick<Grid, "x" | "y">): number {
  return items.filter((p) => p.grid.y < grid.y || (p.grid.y === grid.y && p.grid.x < grid.x)).length;
}

/** Inserts a widget at `index` in the order (the end when omitted). */
export function insert(items: readonly Placed[], item: { id: string; size: Size }, index = items.length): Placed[] {
  const order = readingOrder(items).map(sized);
  order.splice(clamp(index, 0, order.length), 0, item);
  return pack(order);
}

/** The widget's position in the reading order, from 0 (-1 when absent). */
export function indexOf(items: readonly Placed[], id: string): number {
  return readingOrder(items).findIndex((item) => item.id === id);
}

/** Two widgets that share a cell, if any. */
export function findOverlap(items: readonly Placed[]): [string, string] | null {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!.grid;
      const b = items[j]!.grid;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return [items[i]!.id, items[j]!.id];
    }
  }
  return null;
}
