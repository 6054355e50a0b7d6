import { describe, expect, it } from "vitest";
import {
  type BuilderAction,
  type BuilderState,
  builderReducer,
  fromWidget,
  initialBuilderState,
  toWidgetInput,
} from "./builder-state";
import { widgetInputSchema } from "./schemas";

const apply = (actions: BuilderAction[], state: BuilderState = initialBuilderState) =>
  actions.reduce(builderReducer, state);

describe("widget builder form state", () => {
  it("produces a valid widget for every kind", () => {
    for (const kind of ["trend", "metric", "breakdown", "funnel", "retention"] as const) {
      const input = toWidgetInput(apply([{ type: "kind", kind }]));
      expect(widgetInputSchema.safeParse(input).success, kind).toBe(true);
      expect(input.query.kind).toBe(kind);
    }
  });

  it("keeps a visualisation that fits the new kind and replaces one that does not", () => {
    const bar = apply([
      { type: "set", field: "viz", value: "bar" },
      { type: "kind", kind: "breakdown" },
    ]);
    expect(bar.viz).toBe("bar");
    expect(apply([{ type: "kind", kind: "metric" }], bar).viz).toBe("metric");
    expect(apply([{ type: "kind", kind: "funnel" }], bar).viz).toBe("funnel");
  });

  it("builds property measures, breakdowns and filters", () => {
    const state = apply([
      { type: "kind", kind: "breakdown" },
      { type: "set", field: "measure", value: "sum" },
      { type: "set", field: "property", value: "amount" },
      { type: "set", field: "event", value: "purchase" },
      { type: "set", field: "dimension", value: "country" },
      { type: "add-filter", filter: { field: "browser", op: "equals", value: "Chrome" } },
    ]);
    expect(toWidgetInput(state)).toEqual({
      title: "purchase by country",
      query: {
        kind: "breakdown",
        event: "purchase",
        measure: { type: "sum", property: "properties.amount" },
        dimension: "country",
        limit: 10,
        filters: [{ field: "browser", op: "equals", value: "Chrome" }],
      },
      viz: { type: "bar" },
    });
  });

  it("keeps funnels between 2 and 10 steps", () => {
    const two = apply([
      { type: "kind", kind: "funnel" },
      { type: "remove-step", index: 0 },
    ]);
    expect(two.steps).toHaveLength(2);
    const three = apply([{ type: "add-step" }, { type: "step", index: 2, event: "purchase" }], two);
    expect(toWidgetInput(three).query).toMatchObject({
      steps: [{ event: "pageview" }, { event: "signup" }, { event: "purchase" }],
    });
  });

  it("builds funnels with step names, step conditions, a window in any unit and a breakdown", () => {
    const state = apply([
      { type: "kind", kind: "funnel" },
      { type: "step", index: 1, label: "Signed up" },
      { type: "add-step-filter", index: 1, filter: { field: "properties.plan", op: "equals", value: "pro" } },
      { type: "set", field: "windowValue", value: 2 },
      { type: "set", field: "windowUnit", value: "hour" },
      { type: "set", field: "splitBy", value: "country" },
    ]);
    expect(toWidgetInput(state)).toEqual({
      title: "pageview → Signed up by country",
      query: {
        kind: "funnel",
        steps: [
          { event: "pageview" },
          { event: "signup", label: "Signed up", filters: [{ field: "properties.plan", op: "equals", value: "pro" }] },
        ],
        window: { value: 2, unit: "hour" },
        breakdown: { dimension: "country", limit: 5 },
        filters: [],
      },
      viz: { type: "funnel" },
    });
    const removed = apply([{ type: "remove-step-filter", index: 1, filterIndex: 0 }], state);
    expect(removed.steps[1]!.filters).toEqual([]);
  });

  it("round-trips a saved widget back into the form", () => {
    const state = apply([
      { type: "kind", kind: "trend" },
      { type: "set", field: "interval", value: "week" },
      { type: "set", field: "event", value: "signup" },
      { type: "set", field: "title", value: "Signups" },
      { type: "set", field: "splitBy", value: "utm_source" },
      { type: "range", range: { relative: "last_90_days" } },
    ]);
    const saved = toWidgetInput(state);
    expect(saved.title).toBe("Signups");
    expect(toWidgetInput(fromWidget(saved.title, saved.query, saved.viz))).toEqual(saved);
  });

  it("keeps every part of a saved query it does not show by default when edited", () => {
    const saved = {
      kind: "funnel" as const,
      steps: [
        { event: "view", label: "Viewed", filters: [{ field: "path" as const, op: "equals" as const, value: "/p" }] },
        { event: "buy" },
      ],
      window: { value: 30, unit: "minute" as const },
      breakdown: { dimension: "device" as const, limit: 3 },
      range: { relative: "last_7_days" as const },
      timezone: "Asia/Tokyo",
      filters: [],
    };
    expect(toWidgetInput(fromWidget("Buy", saved, { type: "funnel" })).query).toEqual(saved);
    const retention = {
      kind: "retention" as const,
      start_event: "a",
      return_event: "b",
      period: "day" as const,
      periods: 14,
      filters: [],
    };
    expect(toWidgetInput(fromWidget("R", retention, { type: "retention" })).query).toEqual(retention);
  });

  it("measures a goal by its id, and keeps it when a saved widget is edited", () => {
    const goal = "5b0c8e52-3f2a-4d7e-9a1b-2c3d4e5f6a7b";
    const state = apply([
      { type: "kind", kind: "breakdown" },
      { type: "set", field: "measure", value: "goal_conversion_rate" },
      { type: "set", field: "goal", value: goal },
      { type: "set", field: "dimension", value: "utm_source" },
      { type: "set", field: "title", value: "Conversion by source" },
    ]);
    const saved = toWidgetInput(state);
    expect(saved.query).toMatchObject({ kind: "breakdown", measure: { type: "goal_conversion_rate", goal } });
    expect(widgetInputSchema.safeParse(saved).success).toBe(true);
    expect(toWidgetInput(fromWidget(saved.title, saved.query, saved.viz))).toEqual(saved);
  });
});
