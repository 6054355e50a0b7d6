import { expect, it } from "vitest";
import { findJsonProblem, isStorableText, mayHoldUnstorableText, storableText } from "./text";

it("tells text PostgreSQL can store from text it refuses", () => {
  for (const ok of ["", "plain", "émoji 😀 and 𝄞", "\ud83d\ude00"]) expect(isStorableText(ok)).toBe(true);
  for (const bad of ["nul\u0000", "\ud800", "\udc00", "pair reversed \ude00\ud83d", "trailing \ud83d"])
    expect(isStorableText(bad)).toBe(false);
  expect(storableText().max(5).safeParse("ab\u0000").success).toBe(false);
  expect(storableText().max(5).safeParse("abcdef").success).toBe(false);
  expect(storableText().max(5).safeParse("ab😀").success).toBe(true);
});

it("spots the escapes that can spell such text in a JSON body", () => {
  expect(mayHoldUnstorableText(String.raw`{"a":"\u0000"}`)).toBe(true);
  expect(mayHoldUnstorableText(String.raw`{"a":"\uD83D"}`)).toBe(true);
  expect(mayHoldUnstorableText(String.raw`{"a":"\u00e9 \u4e2d"}`)).toBe(false);
  expect(mayHoldUnstorableText(JSON.stringify({ a: "😀 é" }))).toBe(false);
});

it("finds the first unstorable key or string, with its path", () => {
  const check = { maxDepth: 10, text: true };
  expect(findJsonProblem({ a: [1, "ok", { b: "x\u0000" }] }, check)).toEqual({
    path: ["a", 2, "b"],
    message: expect.stringMatching(/NUL/),
  });
  expect(findJsonProblem({ a: { "\ud800": 1 } }, check)).toEqual({
    path: ["a"],
    message: expect.stringMatching(/^keys must not/),
  });
  expect(findJsonProblem({ a: "\ud800" }, { maxDepth: 10, text: false })).toBeNull();
  expect(findJsonProblem({ fine: ["😀", null, true, 1.5] }, check)).toBeNull();
});

it("measures depth without recursing, however deep the value", () => {
  expect(findJsonProblem({ a: { b: 1 } }, { maxDepth: 2, text: false })).toBeNull();
  expect(findJsonProblem({ a: { b: {} } }, { maxDepth: 2, text: false })).toEqual({
    path: ["a", "b"],
    message: "must nest at most 2 levels",
  });
  const levels = 500_000;
  const deep: unknown = JSON.parse("[".repeat(levels) + "]".repeat(levels));
  expect(findJsonProblem(deep, { maxDepth: 8, text: true })).toEqual({
    path: [0, 0, 0, 0, 0, 0, 0, 0],
    message: "must nest at most 8 levels",
  });
  expect(findJsonProblem(deep, { maxDepth: Infinity, text: true })).toBeNull();
});
