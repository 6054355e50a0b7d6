// The widget builder's vitals and errors kinds: valid widgets, their own visualisations, and a
// saved widget that edits back into the same form.
import { describe, expect, it } from "vitest";
import { type BuilderAction, builderReducer, fromWidget, initialBuilderState, toWidgetInput } from "./builder-state";
import { widgetInputSchema } from "./schemas";

const apply = (actions: BuilderAction[]) => actions.reduce(builderReducer, initialBuilderState);

describe("vitals and errors widgets", () => {
  it("builds a vitals widget grouped by device, or ungrouped", () => {
    const state = apply([
      { type: "kind", kind: "vitals" },
      { type: "set", field: "groupBy", value: "device" },
      { type: "set", field: "limit", value: 5 },
    ]);
    const input = toWidgetInput(state);
    expect(widgetInputSchema.parse(input)).toMatchObject({
      title: "Web vitals by device",
      query: { kind: "vitals", group_by: "device", limit: 5 },
      viz: { type: "vitals" },
    });
    const all = toWidgetInput(
      apply([
        { type: "kind", kind: "vitals" },
        { type: "set", field: "groupBy", value: "" },
      ]),
    );
    expect(all.query).not.toHaveProperty("group_by", expect.anything());
    expect(widgetInputSchema.safeParse(all).success).toBe(true);
  });

  it("builds an errors widget with its trend's interval, and edits it back", () => {
    const state = apply([
      { type: "kind", kind: "errors" },
      { type: "set", field: "interval", value: "week" },
    ]);
    const input = widgetInputSchema.parse(toWidgetInput(state));
    expect(input).toMatchObject({ query: { kind: "errors", interval: "week" }, viz: { type: "errors" } });
    const edited = fromWidget(input.title, input.query, input.viz);
    expect(toWidgetInput(edited)).toEqual(toWidgetInput(state));
  });

  it("falls back to the kind's own visualisation", () => {
    expect(
      apply([
        { type: "set", field: "viz", value: "bar" },
        { type: "kind", kind: "errors" },
      ]).viz,
    ).toBe("errors");
  });
});
