import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, parseViewState, serializeViewState, withDrillDown, withoutFilter } from "./view-state";

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
});
