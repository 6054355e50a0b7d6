// Why a widget cannot be saved, in sentences next to the field at fault: the builder validates the
// widget input schema (lib/reports/schemas.ts), whose issues speak zod ("query.steps.1.event: Too
// small: expected string to have >=1 characters"); this maps each to the builder's field and says
// what to do ("Choose the event of step 2."). The API's 400 details (paths such as
// "query.steps[1].event") map the same way, so a refusal by the server lands on the same field.
import { CONVERSION_FIELD } from "../query/schemas";
import { isSessionDimension } from "../query/vocabulary";
import { UNSTORABLE_TEXT_MESSAGE } from "../text";
import { type WidgetInput, widgetInputSchema } from "./schemas";

const SESSION_FILTERS_NOT_HERE =
  "Entry page and exit page filters work in trends, single numbers and top values, not in this kind of widget";
const CHOOSE_A_GOAL = "Choose the goal to measure (goals are made in the project's settings).";

const CONVERSION_RATE_NEEDS_FILTER =
  "A conversion rate needs a “Visitors who did” filter to convert to: add one under Filters.";

/** A builder field an error is shown beside ("steps.1.event" for step 2's event), or "form" for the whole widget. */
export type BuilderField = string;

export interface ValidationIssue {
  path: readonly PropertyKey[];
  message: string;
  /** zod's issue code; guessed from the message for the API's details, which carry none. */
  code?: string;
}

type Problem = "missing" | "too_long" | "too_many" | "too_few" | "out_of_range" | "unstorable" | "invalid";

function problemOf(issue: ValidationIssue): Problem {
  if (issue.message === UNSTORABLE_TEXT_MESSAGE || issue.message.includes("NUL character")) return "unstorable";
  const code =
    issue.code ??
    (/^Too small/.test(issue.message) ? "too_small" : /^Too big/.test(issue.message) ? "too_big" : undefined);
  const isArray = /array|items/.test(issue.message);
  const isNumber = /number|int/.test(issue.message);
  if (code === "too_small") return isArray ? "too_few" : isNumber ? "out_of_range" : "missing";
  if (code === "too_big") return isArray ? "too_many" : isNumber ? "out_of_range" : "too_long";
  if (code === "invalid_type") return /undefined/.test(issue.message) ? "missing" : "out_of_range";
  return "invalid";
}

const UNSTORABLE = "This text holds a character that cannot be stored; retype it.";

/** A paths widget's own fields: its start or end, its steps and its values per step. */
function describePathsIssue(issue: ValidationIssue): [BuilderField, string] | null {
  const [top, second, third] = issue.path;
  if (top !== "query") return null;
  const problem = problemOf(issue);
  switch (second) {
    case "start":
    case "end":
      if (problem === "unstorable") return ["anchor", UNSTORABLE];
      if (problem === "too_long")
        return [
          "anchor",
          third === "page" ? "A page has at most 500 characters." : "An event name has at most 200 characters.",
        ];
      return ["anchor", `Name the event or page the paths ${second === "start" ? "start from" : "lead to"}.`];
    case "steps":
      return ["pathSteps", "Show between 1 and 10 steps."];
    case "limit":
      return ["pathValues", "Keep between 1 and 20 values per step."];
    default:
      return null;
  }
}

/** The field and the sentence for one issue of a widget input (paths start at the widget: title, query.…, viz.…). */
function describeIssue(issue: ValidationIssue, kind?: string): [BuilderField, string] {
  const [top, second, third, fourth] = issue.path;
  const problem = problemOf(issue);
  if (kind === "paths") {
    const described = describePathsIssue(issue);
    if (described) return described;
  }
  if (problem === "unstorable")
    return [top === "query" ? fieldOfQueryPath(issue.path.slice(1)) : String(top ?? "form"), UNSTORABLE];
  if (top === "title")
    return ["title", problem === "missing" ? "Give the widget a title." : "Keep the title to 200 characters or fewer."];
  if (top !== "query") return ["form", "This visualisation cannot be saved; choose another one."];
  switch (second) {
    case "event":
      return ["event", "An event name has at most 200 characters."];
    case "measure":
      if (issue.message.includes("conversion_rate")) return ["filters", CONVERSION_RATE_NEEDS_FILTER];
      if (third === "goal")
        return [
          "goal",
          issue.message.includes("no such goal") ? "This goal no longer exists; choose another." : CHOOSE_A_GOAL,
        ];
      return [
        "property",
        "Name a numeric property, such as amount or order.total (letters, digits, _, $ and -, up to 5 levels).",
      ];
    case "dimension":
      return ["dimension", "Name a property, such as plan (letters, digits, _, $ and -, up to 5 levels)."];
    case "limit":
      return ["limit", "Show between 1 and 100 values."];
    case "breakdown":
      return third === "limit"
        ? ["splitLimit", "Show between 1 and 100 values."]
        : ["splitBy", "Name a property, such as plan (letters, digits, _, $ and -, up to 5 levels)."];
    case "interval":
      return ["interval", "Choose hour, day, week or month."];
    case "steps": {
      if (typeof third !== "number")
        return [
          "steps",
          problem === "too_many" ? "A funnel has at most 10 steps." : "A funnel needs at least 2 steps.",
        ];
      const step = `steps.${third}`;
      if (fourth === "label") return [`${step}.label`, "Keep the step's name to 200 characters or fewer."];
      if (fourth === "filters")
        return [
          `${step}.filters`,
          problem === "too_many" ? "A step has at most 10 conditions." : "A condition of this step is not valid.",
        ];
      return [
        `${step}.event`,
        problem === "too_long" ? "An event name has at most 200 characters." : `Choose the event of step ${third + 1}.`,
      ];
    }
    case "window":
      return ["window", "The conversion window is a whole number from 1 to 10,000."];
    case "start_event":
      return [
        "startEvent",
        problem === "too_long" ? "An event name has at most 200 characters." : "Choose the event that starts a cohort.",
      ];
    case "return_event":
      return [
        "returnEvent",
        problem === "too_long"
          ? "An event name has at most 200 characters."
          : "Choose the event that counts as coming back.",
      ];
    case "periods":
      return ["periods", "Show between 1 and 52 periods."];
    case "filters":
      return [
        "filters",
        problem === "too_many"
          ? "A widget has at most 20 filters."
          : typeof third === "number"
            ? `Filter ${third + 1} is not valid; remove it and add it again.`
            : "A filter is not valid; remove it and add it again.",
      ];
    case "range":
      return ["range", `The date range ${issue.message.startsWith("must") ? issue.message : "is not valid"}.`];
    case "timezone":
      return ["form", "This widget's time zone is not valid."];
    default:
      return ["form", "This widget cannot be saved as it is; check its fields."];
  }
}

function fieldOfQueryPath(path: readonly PropertyKey[]): BuilderField {
  const [first, second, third] = path;
  if (first === "steps" && typeof second === "number")
    return `steps.${second}.${third === "label" ? "label" : "event"}`;
  return { start_event: "startEvent", return_event: "returnEvent" }[String(first)] ?? String(first ?? "form");
}

/** Each field's first problem, in sentences, for the issues of a widget input. */
export function builderProblems(issues: readonly ValidationIssue[], kind?: string): Record<BuilderField, string> {
  const problems: Record<BuilderField, string> = {};
  for (const issue of issues) {
    const [field, message] = describeIssue(issue, kind);
    problems[field] ??= message;
  }
  return problems;
}

/**
 * Every problem of a widget input, by field: the schema's, and what only a run would find (a
 * conversion rate without a "Visitors who did" filter to convert to). Empty when it can be saved.
 */
export function widgetProblems(input: WidgetInput): Record<BuilderField, string> {
  const parsed = widgetInputSchema.safeParse(input);
  const problems = parsed.success ? {} : builderProblems(parsed.error.issues, input.query.kind);
  const { query } = input;
  const convertsTo = (query.filters ?? []).some(
    (f) => f.field === CONVERSION_FIELD && (f.op === "equals" || f.op === "in"),
  );
  if ("measure" in query && query.measure?.type === "conversion_rate" && !convertsTo)
    problems.filters ??= CONVERSION_RATE_NEEDS_FILTER;
  // Entry and exit pages keep sessions: trends, numbers and top values only (lib/query/session-dimensions.ts).
  const keepsSessions = (query.filters ?? []).some((f) => isSessionDimension(f.field));
  if (keepsSessions && query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown")
    problems.filters ??= SESSION_FILTERS_NOT_HERE;
  return problems;
}

/** "query.steps[1].event" (the API's details) back into a path. */
export function parseIssuePath(path: string): PropertyKey[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/** The API's refusal of a widget, mapped to fields like the builder's own checks. */
export function problemsFromApiDetails(
  details: readonly { path: string; message: string }[],
  kind?: string,
): Record<BuilderField, string> {
  return builderProblems(
    details.map((d) => ({ path: parseIssuePath(d.path), message: d.message })),
    kind,
  );
}
