import { describe, expect, it } from "vitest";
import {
  DEFAULT_VIEW,
  keepsConverted,
  parseViewState,
  serializeViewState,
  withConversion,
  withDrillDown,
  withGoalConversion,
  withoutFilter,
  withSegment,
} from "./view-state";

describe("view state in the URL", () => {
  it("round-trips ranges and filters, including values with colons and lists", () => {
    const view = {
      range: { from: "2026-03-01", to: "2026-03-31" },
      filters: [
        { field: "path" as const, op: "equals" as const, value: "/a:b" },
        { field: "country" as const, op: "in" as const, value: ["FR", "DE"] },
        { field: "properties.amount" as const, op: "gt" as const, value: 10 },
        { field: "referrer" as const, op: "is_not_set" as const },
      ],
    };
    expect(parseViewState(serializeViewState(view))).toEqual(view);
  });

  it("falls back to the default for unknown or malformed params", () => {
    expect(parseViewState(new URLSearchParams("range=forever&f=nope:equals:x&f=path:sideways:x"))).toEqual(
      DEFAULT_VIEW,
    );
    expect(serializeViewState(DEFAULT_VIEW).toString()).toBe("");
  });

  it("drills down by replacing the field's filter, and removes filters by index", () => {
    const once = withDrillDown(DEFAULT_VIEW, "path", "/pricing");
    const twice = withDrillDown(once, "path", "/docs");
    expect(twice.filters).toEqual([{ field: "path", op: "equals", value: "/docs" }]);
    expect(withDrillDown(twice, "referrer", null).filters).toHaveLength(2);
    expect(withoutFilter(twice, 0).filters).toEqual([]);
  });

  it("keeps the previous-period comparison in the URL", () => {
    const compared = { ...DEFAULT_VIEW, compare: true };
    expect(serializeViewState(compared).toString()).toBe("compare=previous");
    expect(parseViewState(serializeViewState(compared))).toEqual(compared);
    expect(parseViewState(new URLSearchParams("compare=yes")).compare).toBeUndefined();
  });

  it("filters by who did an event: one conversion filter at a time, in the URL like any filter", () => {
    const once = withConversion(withDrillDown(DEFAULT_VIEW, "country", "FR"), "signup");
    const twice = withConversion(once, "purchase");
    expect(twice.filters).toEqual([
      { field: "country", op: "equals", value: "FR" },
      { field: "performed", op: "equals", value: "purchase" },
    ]);
    expect(serializeViewState(twice).getAll("f")).toEqual(["country:equals:FR", "performed:equals:purchase"]);
    expect(parseViewState(serializeViewState(twice))).toEqual(twice);
    expect(keepsConverted(twice)).toBe(true);
    expect(keepsConverted(withDrillDown(DEFAULT_VIEW, "event", "signup"))).toBe(false);
    expect(keepsConverted(withDrillDown(DEFAULT_VIEW, "performed", "signup"))).toBe(true);
  });

  it("filters by who completed a goal: it replaces a conversion filter, and the other way round", () => {
    const goal = "0f8b3c1e-8d1f-4b5e-9a39-3c1d2e4f5a6b";
    const signedUp = withConversion(withDrillDown(DEFAULT_VIEW, "country", "FR"), "signup");
    const completed = withGoalConversion(signedUp, goal);
    expect(completed.filters).toEqual([
      { field: "country", op: "equals", value: "FR" },
      { field: "goal", op: "equals", value: goal },
    ]);
    expect(serializeViewState(completed).getAll("f")).toEqual(["country:equals:FR", `goal:equals:${goal}`]);
    expect(parseViewState(serializeViewState(completed))).toEqual(completed);
    expect(keepsConverted(completed)).toBe(true);
    expect(withConversion(completed, "purchase").filters.map((f) => f.field)).toEqual(["country", "performed"]);
    expect(keepsConverted(withDrillDown(DEFAULT_VIEW, "country", "FR"))).toBe(false);
    expect(parseViewState(new URLSearchParams("f=goal:equals:signup")).filters).toEqual([]);
  });

  it("keeps the view's segment in the URL, beside its filters, and drops a malformed one", () => {
    const segment = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";
    const view = withSegment(withDrillDown(DEFAULT_VIEW, "country", "FR"), segment);
    const params = serializeViewState(view);
    expect(params.get("segment")).toBe(segment);
    expect(parseViewState(params)).toEqual(view);
    expect(withSegment(view, null)).toEqual(withDrillDown(DEFAULT_VIEW, "country", "FR"));
    expect(parseViewState(new URLSearchParams("segment=not-an-id"))).toEqual(DEFAULT_VIEW);
  });
});
