import { expect, it } from "vitest";
import {
  findOverlap,
  firstFreeSlot,
  indexOf,
  insert,
  move,
  normalize,
  type Placed,
  pack,
  readingOrder,
  resize,
} from "./layout";

const grid = (items: Placed[]) => Object.fromEntries(items.map((i) => [i.id, i.grid]));

const traffic: Placed[] = [
  { id: "a", grid: { x: 0, y: 0, w: 6, h: 4 } },
  { id: "b", grid: { x: 6, y: 0, w: 6, h: 2 } },
  { id: "c", grid: { x: 6, y: 2, w: 6, h: 2 } },
  { id: "d", grid: { x: 0, y: 4, w: 12, h: 4 } },
];

it("places widgets one after another across the full width, filling the slot beside a taller one", () => {
  const placed = pack([
    { id: "a", size: { w: 6, h: 4 } },
    { id: "b", size: { w: 6, h: 2 } },
    { id: "c", size: { w: 6, h: 2 } },
    { id: "d", size: { w: 3, h: 2 } },
    { id: "e", size: { w: 3, h: 2 } },
  ]);
  expect(grid(placed)).toEqual({
    a: { x: 0, y: 0, w: 6, h: 4 },
    b: { x: 6, y: 0, w: 6, h: 2 },
    c: { x: 6, y: 2, w: 6, h: 2 },
    d: { x: 0, y: 4, w: 3, h: 2 },
    e: { x: 3, y: 4, w: 3, h: 2 },
  });
  expect(findOverlap(placed)).toBeNull();
});

it("leaves a packed layout as it is, and pulls a scattered one together in reading order", () => {
  expect(normalize(traffic)).toEqual(traffic);
  const scattered: Placed[] = [
    { id: "late", grid: { x: 0, y: 30, w: 6, h: 2 } },
    { id: "first", grid: { x: 3, y: 0, w: 6, h: 2 } },
  ];
  expect(grid(normalize(scattered))).toEqual({ first: { x: 0, y: 0, w: 6, h: 2 }, late: { x: 6, y: 0, w: 6, h: 2 } });
});

it("moves a widget to another place in the order; every move changes where it is drawn", () => {
  const moved = move(traffic, "d", 0);
  expect(readingOrder(moved).map((i) => i.id)).toEqual(["d", "a", "b", "c"]);
  expect(moved.find((i) => i.id === "d")!.grid).toEqual({ x: 0, y: 0, w: 12, h: 4 });
  expect(indexOf(move(traffic, "a", 1), "a")).toBe(1);
  expect(indexOf(move(traffic, "a", 99), "a")).toBe(3);
  expect(findOverlap(moved)).toBeNull();
});

it("resizes within the grid and places what follows again", () => {
  const wider = resize(traffic, "a", { w: 12, h: 3 });
  expect(grid(wider)).toMatchObject({ a: { x: 0, y: 0, w: 12, h: 3 }, b: { x: 0, y: 3 }, c: { x: 6, y: 3 } });
  expect(resize(traffic, "b", { w: 20, h: 0 }).find((i) => i.id === "b")!.grid).toMatchObject({ w: 12, h: 1 });
  expect(findOverlap(wider)).toBeNull();
});

it("appends a new widget beside the last one when the row has room, moving no other", () => {
  const half: Placed[] = [{ id: "a", grid: { x: 0, y: 0, w: 6, h: 4 } }];
  const added = insert(half, { id: "new", size: { w: 6, h: 4 } });
  expect(grid(added)).toEqual({ a: { x: 0, y: 0, w: 6, h: 4 }, new: { x: 6, y: 0, w: 6, h: 4 } });
  expect(insert(traffic, { id: "copy", size: { w: 6, h: 2 } }, 2).find((i) => i.id === "copy")!.grid).toEqual({
    x: 6,
    y: 2,
    w: 6,
    h: 2,
  });
});

it("gives a new widget the first free slot of the grid that moves no other widget", () => {
  // An empty report: the top-left corner; then beside the last widget while its row has room.
  expect(firstFreeSlot([], { w: 6, h: 4 })).toEqual({ index: 0, grid: { x: 0, y: 0, w: 6, h: 4 } });
  const half: Placed[] = [{ id: "a", grid: { x: 0, y: 0, w: 6, h: 4 } }];
  expect(firstFreeSlot(half, { w: 6, h: 4 })).toEqual({ index: 1, grid: { x: 6, y: 0, w: 6, h: 4 } });

  // A metric, then a full-width chart: the row beside the metric is free, and a new metric takes it.
  const gap: Placed[] = [
    { id: "metric", grid: { x: 0, y: 0, w: 3, h: 2 } },
    { id: "wide", grid: { x: 0, y: 2, w: 12, h: 4 } },
  ];
  const slot = firstFreeSlot(gap, { w: 3, h: 2 });
  expect(slot).toEqual({ index: 1, grid: { x: 3, y: 0, w: 3, h: 2 } });
  const filled = insert(gap, { id: "new", size: { w: 3, h: 2 } }, slot.index);
  expect(grid(filled)).toEqual({ ...grid(gap), new: { x: 3, y: 0, w: 3, h: 2 } });

  // A chart taller than that gap would push the wide one down: it goes after it instead.
  expect(firstFreeSlot(gap, { w: 6, h: 4 })).toEqual({ index: 2, grid: { x: 0, y: 6, w: 6, h: 4 } });

  // Beside a tall widget, under a short one.
  expect(firstFreeSlot(traffic, { w: 6, h: 2 }).grid).toEqual({ x: 0, y: 8, w: 6, h: 2 });
  const tall: Placed[] = [
    { id: "tall", grid: { x: 0, y: 0, w: 6, h: 4 } },
    { id: "short", grid: { x: 6, y: 0, w: 6, h: 2 } },
  ];
  expect(firstFreeSlot(tall, { w: 3, h: 2 })).toEqual({ index: 2, grid: { x: 6, y: 2, w: 3, h: 2 } });
});

it("finds two widgets sharing a cell", () => {
  expect(findOverlap([...traffic, { id: "x", grid: { x: 5, y: 3, w: 2, h: 1 } }])).toEqual(["a", "x"]);
});
