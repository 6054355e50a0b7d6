// The widget builder's paths kind: a start or an end (a page or an event), steps and values per
// step, its flow and table visualisations, its problems beside its own fields, and a saved widget
// that edits back into the same form.
import { describe, expect, it } from "vitest";
import { problemsFromApiDetails, widgetProblems } from "./builder-errors";
import { type BuilderAction, builderReducer, fromWidget, initialBuilderState, toWidgetInput } from "./builder-state";
import { widgetInputSchema } from "./schemas";

const apply = (actions: BuilderAction[]) => actions.reduce(builderReducer, initialBuilderState);

describe("paths widgets", () => {
  it("builds the steps after a page, drawn as a flow by default", () => {
    const state = apply([
      { type: "kind", kind: "paths" },
      { type: "set", field: "anchor", value: " /docs/* " },
      { type: "set", field: "pathSteps", value: 4 },
      { type: "set", field: "pathValues", value: 8 },
    ]);
    expect(widgetInputSchema.parse(toWidgetInput(state))).toMatchObject({
      title: "Paths from /docs/*",
      query: { kind: "paths", start: { page: "/docs/*" }, steps: 4, limit: 8 },
      viz: { type: "sankey" },
    });
  });

  it("builds the steps leading to an event, as a table, and edits it back", () => {
    const state = apply([
      { type: "kind", kind: "paths" },
      { type: "set", field: "viz", value: "table" },
      { type: "set", field: "pathsFrom", value: "end" },
      { type: "set", field: "anchorType", value: "event" },
      { type: "set", field: "anchor", value: "signup" },
    ]);
    const input = widgetInputSchema.parse(toWidgetInput(state));
    expect(input).toMatchObject({
      title: "Paths to signup",
      query: { kind: "paths", end: { event: "signup" } },
      viz: { type: "table" },
    });
    expect(input.query).not.toHaveProperty("start");
    const edited = fromWidget(input.title, input.query, input.viz);
    expect(toWidgetInput(edited)).toEqual(toWidgetInput(state));
  });

  it("says what is wrong beside the paths' own fields, for its checks and the server's", () => {
    const state = apply([
      { type: "kind", kind: "paths" },
      { type: "set", field: "anchor", value: "" },
      { type: "set", field: "pathSteps", value: 11 },
      { type: "set", field: "pathValues", value: 0 },
    ]);
    expect(widgetProblems(toWidgetInput(state))).toEqual({
      anchor: "Name the event or page the paths start from.",
      pathSteps: "Show between 1 and 10 steps.",
      pathValues: "Keep between 1 and 20 values per step.",
    });
    expect(
      problemsFromApiDetails([{ path: "query.limit", message: "Too big: expected number to be <=20" }], "paths"),
    ).toEqual({ pathValues: "Keep between 1 and 20 values per step." });
  });
});
