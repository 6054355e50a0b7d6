// Validation problems of the widget builder read as sentences beside their field, whether the
// builder's own check or the API found them.
import { describe, expect, it } from "vitest";
import { builderProblems, parseIssuePath, problemsFromApiDetails, widgetProblems } from "./builder-errors";
import { initialBuilderState, toWidgetInput } from "./builder-state";
import { widgetInputSchema } from "./schemas";

const problemsOf = (input: unknown) => {
  const parsed = widgetInputSchema.safeParse(input);
  if (parsed.success) throw new Error("expected the input to be refused");
  return builderProblems(parsed.error.issues);
};

describe("builderProblems", () => {
  it("puts a funnel step's missing event on that step, in words", () => {
    const input = toWidgetInput({
      ...initialBuilderState,
      kind: "funnel",
      viz: "funnel",
      steps: [
        { key: 1, event: "pageview", label: "", filters: [] },
        { key: 2, event: " ", label: "", filters: [] },
      ],
    });
    expect(problemsOf(input)).toEqual({ "steps.1.event": "Choose the event of step 2." });
  });

  it("names the field and what to do, never zod's words", () => {
    const problems = problemsOf({
      title: "x".repeat(201),
      query: {
        kind: "funnel",
        steps: [{ event: "a", label: "y".repeat(201) }],
        window: { value: 0, unit: "day" },
      },
      viz: { type: "funnel" },
    });
    expect(problems).toEqual({
      title: "Keep the title to 200 characters or fewer.",
      "steps.0.label": "Keep the step's name to 200 characters or fewer.",
      steps: "A funnel needs at least 2 steps.",
      window: "The conversion window is a whole number from 1 to 10,000.",
    });
    for (const message of Object.values(problems)) expect(message).not.toMatch(/expected|query\.|Too (small|big)/);
  });

  it("explains retention events, property measures, limits and text that cannot be stored", () => {
    expect(
      problemsOf({
        title: "R",
        query: { kind: "retention", start_event: "", return_event: "a\u0000b", periods: 60 },
        viz: { type: "retention" },
      }),
    ).toEqual({
      startEvent: "Choose the event that starts a cohort.",
      returnEvent: "This text holds a character that cannot be stored; retype it.",
      periods: "Show between 1 and 52 periods.",
    });
    expect(
      problemsOf({
        title: "S",
        query: { kind: "breakdown", dimension: "path", limit: 500, measure: { type: "sum", property: "properties." } },
        viz: { type: "bar" },
      }),
    ).toEqual({
      property: "Name a numeric property, such as amount or order.total (letters, digits, _, $ and -, up to 5 levels).",
      limit: "Show between 1 and 100 values.",
    });
  });
});

describe("goal measures", () => {
  it("asks for a goal until one is chosen, and says when the server knows it no more", () => {
    const input = toWidgetInput({ ...initialBuilderState, kind: "metric", viz: "metric", measure: "goal_visitors" });
    expect(widgetProblems(input)).toEqual({
      goal: "Choose the goal to measure (goals are made in the project's settings).",
    });
    expect(problemsFromApiDetails([{ path: "query.measure.goal", message: "no such goal in this project" }])).toEqual({
      goal: "This goal no longer exists; choose another.",
    });
  });
});

describe("widgetProblems", () => {
  it("asks a conversion rate for a filter of the visitors who did an event, and is empty once it has one", () => {
    const rate = toWidgetInput({ ...initialBuilderState, kind: "metric", viz: "metric", measure: "conversion_rate" });
    expect(widgetProblems(rate)).toEqual({
      filters: "A conversion rate needs a “Visitors who did” filter to convert to: add one under Filters.",
    });
    const withFilter = {
      ...rate,
      query: { ...rate.query, filters: [{ field: "performed" as const, op: "equals" as const, value: "signup" }] },
    };
    expect(widgetProblems(withFilter)).toEqual({});
  });

  it("keeps entry and exit page filters to the kinds that take them", () => {
    const entered = [{ field: "entry_page" as const, op: "equals" as const, value: "/pricing" }];
    const retention = toWidgetInput({ ...initialBuilderState, kind: "retention", viz: "retention" });
    expect(widgetProblems({ ...retention, query: { ...retention.query, filters: entered } })).toEqual({
      filters:
        "Entry page and exit page filters work in trends, single numbers and top values, not in this kind of widget",
    });
    const metric = toWidgetInput({
      ...initialBuilderState,
      kind: "metric",
      viz: "metric",
      measure: "pages_per_session",
    });
    expect(widgetProblems({ ...metric, query: { ...metric.query, filters: entered } })).toEqual({});
  });
});

describe("problemsFromApiDetails", () => {
  it("reads the API's detail paths back into fields", () => {
    expect(parseIssuePath("query.steps[1].event")).toEqual(["query", "steps", 1, "event"]);
    expect(
      problemsFromApiDetails([
        { path: "query.steps[1].event", message: "Too small: expected string to have >=1 characters" },
        { path: "title", message: "Too big: expected string to have <=200 characters" },
        { path: "query.measure", message: 'conversion_rate needs a "performed" equals or in filter' },
      ]),
    ).toEqual({
      "steps.1.event": "Choose the event of step 2.",
      title: "Keep the title to 200 characters or fewer.",
      filters: "A conversion rate needs a “Visitors who did” filter to convert to: add one under Filters.",
    });
  });
});
