// What a segment may hold: the query language's own filters (behavioural ones included), named.
import { describe, expect, it } from "vitest";
import { MAX_CONVERSION_FILTERS } from "../query/schemas";
import { segmentCreateSchema, segmentUpdateSchema } from "./schemas";

const did = (event: string) => ({ field: "performed", op: "equals", value: event });

describe("segment input", () => {
  it("takes any filter the engine supports, behavioural ones included", () => {
    const parsed = segmentCreateSchema.parse({
      name: "  Paying Germans ",
      filters: [
        did("purchase"),
        { field: "country", op: "in", value: ["DE", "AT"] },
        { field: "properties.plan", op: "is_set" },
      ],
    });
    expect(parsed.name).toBe("Paying Germans");
    expect(parsed.filters).toHaveLength(3);
  });

  it("refuses an empty, nameless, unknown-field or over-bound segment", () => {
    expect(segmentCreateSchema.safeParse({ name: "x", filters: [] }).success).toBe(false);
    expect(segmentCreateSchema.safeParse({ name: " ", filters: [did("a")] }).success).toBe(false);
    expect(
      segmentCreateSchema.safeParse({ name: "x", filters: [{ field: "shoe_size", op: "equals", value: 4 }] }).success,
    ).toBe(false);
    const conversions = Array.from({ length: MAX_CONVERSION_FILTERS + 1 }, (_, i) => did(`e${i}`));
    expect(segmentCreateSchema.safeParse({ name: "x", filters: conversions }).success).toBe(false);
    expect(segmentCreateSchema.safeParse({ name: "x", filters: [did("a")], owner: "me" }).success).toBe(false);
  });

  it("changes only what an update names, and needs at least one change", () => {
    expect(segmentUpdateSchema.parse({ description: null })).toEqual({ description: null });
    expect(segmentUpdateSchema.safeParse({}).success).toBe(false);
    expect(segmentUpdateSchema.safeParse({ filters: [] }).success).toBe(false);
  });
});
