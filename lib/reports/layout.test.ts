import { expect, it } from "vitest";
import { compact, resize, swap, type Placed } from "./layout";

const items: Placed[] = [
  { id: "a", grid: { x: 0, y: 0, w: 6, h: 2 } },
  { id: "b", grid: { x: 6, y: 0, w: 6, h: 2 } },
  { id: "c", grid: { x: 0, y: 5, w: 12, h: 4 } },
];

it("pulls widgets up into gaps", () => {
  expect(compact(items).find((i) => i.id === "c")!.grid.y).toBe(2);
});

it("swaps two widgets' places when one is dropped on the other", () => {
  const swapped = swap(items, "a", "b");
  expect(swapped.find((i) => i.id === "a")!.grid).toMatchObject({ x: 6, y: 0 });
  expect(swapped.find((i) => i.id === "b")!.grid).toMatchObject({ x: 0, y: 0 });
});

it("resizes within the grid and pushes what it now overlaps further down", () => {
  const wider = resize(compact(items), "a", { w: 12, h: 3 });
  expect(wider.find((i) => i.id === "a")!.grid).toEqual({ x: 0, y: 0, w: 12, h: 3 });
  expect(wider.find((i) => i.id === "b")!.grid.y).toBe(3);
  expect(resize(items, "b", { w: 20, h: 2 }).find((i) => i.id === "b")!.grid.w).toBe(6);
});
