"use client";
// Picks what to group or filter by: a built-in dimension by its name ("UTM source", "Country"), or
// a property of the events, whose key the project's own keys are offered for; for filters, also the
// visitors who did an event (the conversion filter).
import { useId } from "react";
import { CONVERSION_FIELD, type Dimension } from "@/lib/query/schemas";
import { DIMENSION_LABELS, DIMENSIONS } from "@/lib/query/vocabulary";
import { controlClass, fieldClass, SuggestInput } from "./suggest-input";

const PROPERTY = "property";
const NONE = "";

type Field = Dimension | typeof CONVERSION_FIELD;

interface DimensionPickerProps<T extends Field> {
  projectId: string;
  label: string;
  value: T | null;
  onChange: (value: T | null) => void;
  /** Offer the conversion filter's field as well ("Visitors who did an event"); for filters only. */
  withConversion?: boolean;
  /** Offer "none" under this name (e.g. "Don't split"): the value is then null. */
  noneLabel?: string;
  /** Leave "Event" out where it makes no sense. */
  withoutEvent?: boolean;
  error?: string;
}

export function DimensionPicker<T extends Field = Dimension>({
  projectId,
  label,
  value,
  onChange,
  withConversion,
  noneLabel,
  withoutEvent = false,
  error,
}: DimensionPickerProps<T>) {
  const id = useId();
  const isProperty = value?.startsWith("properties.") ?? false;
  const property = isProperty ? value!.slice("properties.".length) : "";
  const dimensions = withoutEvent ? DIMENSIONS.filter((d) => d !== "event") : DIMENSIONS;
  return (
    <div className="flex min-w-0 flex-col gap-2">
      <div className={fieldClass}>
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          className={controlClass}
          value={value === null ? NONE : isProperty ? PROPERTY : value}
          aria-invalid={error && !isProperty ? true : undefined}
          onChange={(e) => {
            const next = e.target.value;
            // The options are the fields T allows: built-in dimensions, a property, and the conversion field only when asked for.
            if (next === NONE) onChange(null);
            else if (next === PROPERTY) onChange(`properties.${property}` as T);
            else onChange(next as T);
          }}
        >
          {noneLabel !== undefined && <option value={NONE}>{noneLabel}</option>}
          {dimensions.map((d) => (
            <option key={d} value={d}>
              {DIMENSION_LABELS[d]}
            </option>
          ))}
          <option value={PROPERTY}>A property of the event…</option>
          {withConversion && <option value={CONVERSION_FIELD}>Visitors who did an event…</option>}
        </select>
      </div>
      {isProperty && (
        <SuggestInput
          projectId={projectId}
          source={{ kind: "property_key" }}
          label={`${label}: property`}
          value={property}
          placeholder="plan"
          onChange={(key) => onChange(`properties.${key.trim().replace(/^properties\./, "")}` as T)}
          error={error}
        />
      )}
    </div>
  );
}
