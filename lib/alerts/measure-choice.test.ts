// The alert rule form offers every measure the query language has, each with what it needs, and
// every choice makes a rule query the API takes.
import { describe, expect, it } from "vitest";
import { measureSchema } from "../query/schemas";
import { MEASURE_TYPES } from "../query/vocabulary";
import {
  inputsOfMeasure,
  joinConversionFilter,
  measureNeed,
  measureOfChoice,
  splitConversionFilter,
} from "./measure-choice";
import { alertQuerySchema } from "./schemas";

const GOAL = "7d9f4c52-1b0e-4f7a-9c1d-2f3e4a5b6c7d";

describe("the alert form's measures", () => {
  it("are the measures the query language validates, no more and no fewer", () => {
    const validated = measureSchema.options.flatMap((option) => {
      const type = option.shape.type;
      return "options" in type ? [...type.options] : [type.value];
    });
    expect([...MEASURE_TYPES].sort()).toEqual([...validated].sort());
  });

  it("each make a rule query the API takes, with what it needs", () => {
    for (const type of MEASURE_TYPES) {
      const measure = measureOfChoice(type, { property: "amount", goal: GOAL });
      const filters = joinConversionFilter(measure, [{ field: "country", op: "equals", value: "FR" }], "signup");
      const parsed = alertQuerySchema.safeParse({ kind: "metric", measure, filters });
      expect(parsed.success, `${type}: ${parsed.error?.message}`).toBe(true);
    }
    expect(measureNeed("new_users")).toBeNull();
    expect(measureNeed("pages_per_session")).toBeNull();
    expect(measureNeed("sum")).toBe("property");
    expect(measureNeed("goal_conversion_rate")).toBe("goal");
    expect(measureNeed("conversion_rate")).toBe("conversion");
  });

  it("reads a saved measure back into the form's inputs", () => {
    expect(measureOfChoice("avg", { property: "properties.amount", goal: "" })).toEqual({
      type: "avg",
      property: "properties.amount",
    });
    expect(inputsOfMeasure({ type: "sum", property: "properties.amount" })).toEqual({ property: "amount", goal: "" });
    expect(inputsOfMeasure({ type: "goal_visitors", goal: GOAL })).toEqual({ property: "", goal: GOAL });
  });

  it("edits a conversion rate's event as its own field and leaves other filters whole", () => {
    const country = { field: "country", op: "equals", value: "FR" } as const;
    const signup = { field: "performed", op: "equals", value: "signup" } as const;
    expect(splitConversionFilter({ type: "conversion_rate" }, [country, signup])).toEqual({
      convertsTo: "signup",
      others: [country],
    });
    // Any other measure: a "performed" filter narrows the visitors, it is not the form's.
    expect(splitConversionFilter({ type: "count" }, [signup])).toEqual({ convertsTo: "", others: [signup] });
    expect(joinConversionFilter({ type: "conversion_rate" }, [country], " purchase ")).toEqual([
      country,
      { field: "performed", op: "equals", value: "purchase" },
    ]);
    expect(joinConversionFilter({ type: "count" }, [country], "purchase")).toEqual([country]);
  });
});
