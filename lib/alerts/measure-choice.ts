// What an alert rule's form offers to measure: every measure of the query language, in the order
// and words of its one vocabulary (MEASURE_TYPES, MEASURE_LABELS in lib/query/vocabulary.ts), so a
// measure the engine gains is offered there without a second list to keep. Each says what it needs besides its type: a numeric
// property, one of the project's goals, or (the conversion rate) an event the visitors converted on.
// No zod or server code: the form imports it.
import type { Filter, Measure } from "../query/schemas";
import { isGoalMeasure, type MeasureType, PROPERTY_MEASURES } from "../query/vocabulary";

export type MeasureNeed = "property" | "goal" | "conversion" | null;

export function measureNeed(type: MeasureType): MeasureNeed {
  if ((PROPERTY_MEASURES as readonly string[]).includes(type)) return "property";
  if (isGoalMeasure(type)) return "goal";
  if (type === "conversion_rate") return "conversion";
  return null;
}

/** What the form holds besides the measure's type. */
export interface MeasureInputs {
  /** A property's name, with or without "properties.". */
  property: string;
  /** A goal's id. */
  goal: string;
}

/** The measure of a type with the form's inputs (the server says what is missing or wrong). */
export function measureOfChoice(type: MeasureType, inputs: MeasureInputs): Measure {
  switch (measureNeed(type)) {
    case "property":
      return {
        type: type as (typeof PROPERTY_MEASURES)[number],
        property: `properties.${inputs.property.trim().replace(/^properties\./, "")}`,
      };
    case "goal":
      return { type: type as "goal_visitors", goal: inputs.goal };
    default:
      return { type } as Measure;
  }
}

/** The form's inputs as a saved measure holds them. */
export function inputsOfMeasure(measure: Measure): MeasureInputs {
  return {
    property: "property" in measure ? measure.property.replace(/^properties\./, "") : "",
    goal: "goal" in measure ? measure.goal : "",
  };
}

/** The "performed" filter the form writes for a conversion rate: visitors who did this event. */
export const conversionFilterOf = (event: string): Filter => ({ field: "performed", op: "equals", value: event });

/**
 * A conversion rate's event as the form edits it, and the rule's other filters: the first "performed
 * equals" filter of a conversion rate is the form's; any other measure leaves the filters whole.
 */
export function splitConversionFilter(
  measure: Measure,
  filters: readonly Filter[],
): { convertsTo: string; others: Filter[] } {
  const index =
    measure.type === "conversion_rate"
      ? filters.findIndex((f) => f.field === "performed" && f.op === "equals" && typeof f.value === "string")
      : -1;
  return {
    convertsTo: index >= 0 ? String(filters[index]!.value) : "",
    others: filters.filter((_, i) => i !== index),
  };
}

/** The rule's filters with the form's conversion event put back, for a conversion rate. */
export function joinConversionFilter(measure: Measure, others: readonly Filter[], convertsTo: string): Filter[] {
  const event = convertsTo.trim();
  return measure.type === "conversion_rate" && event ? [...others, conversionFilterOf(event)] : [...others];
}
