"use client";
// Adds conditions (field, operator, value) to a widget or to one funnel step, and lists them as
// sentences ("Country is France"), each removable. Fields and operators are offered in words; the
// value field suggests the project's own values for the chosen field (stored values are sent:
// "FR", shown as "France").
import { useState } from "react";
import { useLocale } from "@/components/widgets/use-locale";
import { CONVERSION_FIELD, type Filter, filterSchema, type GOAL_FIELD } from "@/lib/query/schemas";
import { dimensionValueLabel, FILTER_OP_LABELS, type FilterOp, filterLabel } from "@/lib/query/vocabulary";
import { DimensionPicker } from "./dimension-picker";
import { controlClass, fieldClass, SuggestInput } from "./suggest-input";
import { type Suggestion, type SuggestionSource, useSuggestions } from "./use-suggestions";

const TEXT_OPS: FilterOp[] = [
  "equals",
  "not_equals",
  "contains",
  "not_contains",
  "matches",
  "in",
  "not_in",
  "is_set",
  "is_not_set",
];
const NUMBER_OPS: FilterOp[] = ["gt", "gte", "lt", "lte"];
const NO_VALUE_OPS: FilterOp[] = ["is_set", "is_not_set"];
const LIST_OPS: FilterOp[] = ["in", "not_in"];
/** The conversion filter keeps visitors: its operators read as what they did. */
const CONVERSION_OPS: FilterOp[] = ["equals", "in", "not_equals", "not_in"];
const CONVERSION_OP_LABELS: Partial<Record<FilterOp, string>> = {
  equals: "did",
  in: "did one of",
  not_equals: "did not do",
  not_in: "did none of",
};

/** Goal filters come from the overview's Goals panel (and goal measures from the goal picker), not from this editor. */
type Field = Exclude<Filter["field"], typeof GOAL_FIELD>;

function sourceFor(field: Field): SuggestionSource | null {
  if (field === "event" || field === CONVERSION_FIELD) return { kind: "event" };
  if (field.startsWith("properties."))
    return field.length > "properties.".length ? { kind: "property_value", key: field } : null;
  return { kind: "dimension_value", key: field };
}

/** The value as the query compares it: a number or boolean when the property holds one, a list for "is one of". */
function typedValue(op: FilterOp, text: string, jsonType: string | undefined): Filter["value"] {
  if (NO_VALUE_OPS.includes(op)) return undefined;
  if (NUMBER_OPS.includes(op)) return text.trim() === "" ? Number.NaN : Number(text);
  const one = (item: string): string | number | boolean =>
    jsonType === "number" && item.trim() !== "" && Number.isFinite(Number(item))
      ? Number(item)
      : jsonType === "boolean" && (item === "true" || item === "false")
        ? item === "true"
        : item;
  if (LIST_OPS.includes(op))
    return text
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => one(v) as string | number);
  return one(text);
}

/** What is missing before the condition can be added, in words; null when it can. */
function valueProblem(op: FilterOp, text: string, field: Field): string | null {
  if (field === "properties.") return "Name the property first.";
  if (NO_VALUE_OPS.includes(op)) return null;
  if (NUMBER_OPS.includes(op)) return Number.isFinite(Number(text)) && text.trim() !== "" ? null : "Enter a number.";
  if (LIST_OPS.includes(op)) return text.split(",").some((v) => v.trim()) ? null : "Enter values separated by commas.";
  return text === "" ? "Enter a value." : null;
}

interface FilterEditorProps {
  projectId: string;
  /** What the conditions apply to: "Filters", "Step 2 conditions". */
  legend: string;
  filters: Filter[];
  onAdd: (filter: Filter) => void;
  onRemove: (index: number) => void;
  error?: string;
}

export function FilterEditor({ projectId, legend, filters, onAdd, onRemove, error }: FilterEditorProps) {
  const locale = useLocale();
  const [field, setField] = useState<Field>("path");
  const [op, setOp] = useState<FilterOp>("equals");
  const [value, setValue] = useState("");
  const [chosenType, setChosenType] = useState<string | undefined>(undefined);
  const isProperty = field.startsWith("properties.");
  // A property's values are compared as JSON: 3 and "3" differ. Its usual type comes with its key.
  const keys = useSuggestions(projectId, isProperty ? { kind: "property_key" } : null, "", isProperty);
  const propertyKey = field.slice("properties.".length);
  const jsonType = chosenType ?? keys.suggestions.find((s) => s.value === propertyKey)?.type;
  const listOp = LIST_OPS.includes(op);
  const lastItem = listOp ? (value.split(",").at(-1) ?? "").trim() : value;
  const conversion = field === CONVERSION_FIELD;
  const ops = conversion ? CONVERSION_OPS : isProperty ? [...TEXT_OPS, ...NUMBER_OPS] : TEXT_OPS;
  const problem = valueProblem(op, value, field);
  const candidate = filterSchema.safeParse({ field, op, value: typedValue(op, value, jsonType) });
  const canAdd = problem === null && candidate.success;

  return (
    <fieldset className="flex min-w-0 flex-col gap-2">
      <legend className="text-sm font-medium">{legend}</legend>
      {filters.length > 0 && (
        <ul aria-label={legend} className="flex flex-col gap-1 text-sm">
          {filters.map((f, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: the same condition may be added twice; entries hold no state.
              key={i}
              className="flex items-center justify-between gap-2 rounded bg-slate-100 px-2 py-1 dark:bg-slate-800"
            >
              <span className="min-w-0 break-words">{filterLabel(f, locale)}</span>
              <button
                type="button"
                className="rounded px-1.5 hover:bg-slate-200 dark:hover:bg-slate-700"
                aria-label={`Remove condition: ${filterLabel(f, locale)}`}
                onClick={() => onRemove(i)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="text-xs text-red-700 dark:text-red-300">{error}</p>}
      <div className="grid grid-cols-1 gap-2 rounded-md border border-dashed border-slate-300 p-2 sm:grid-cols-2 dark:border-slate-700">
        <DimensionPicker<Field>
          projectId={projectId}
          label="Field"
          value={field}
          withConversion
          onChange={(next) => {
            const chosen = next ?? "path";
            setField(chosen);
            setChosenType(undefined);
            const allowed =
              chosen === CONVERSION_FIELD
                ? CONVERSION_OPS
                : chosen.startsWith("properties.")
                  ? [...TEXT_OPS, ...NUMBER_OPS]
                  : TEXT_OPS;
            if (!allowed.includes(op)) setOp("equals");
          }}
        />
        <label className={fieldClass}>
          Condition
          <select className={controlClass} value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
            {ops.map((o) => (
              <option key={o} value={o}>
                {(conversion ? CONVERSION_OP_LABELS[o] : undefined) ?? FILTER_OP_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
        {!NO_VALUE_OPS.includes(op) && (
          <SuggestInput
            projectId={projectId}
            source={sourceFor(field)}
            label={listOp ? "Values (comma-separated)" : "Value"}
            value={value}
            matchText={lastItem}
            describe={(s) => {
              const shown = dimensionValueLabel(field, s.value, locale);
              return shown === s.value ? shown : `${shown} (${s.value})`;
            }}
            onChange={(next, chosen?: Suggestion) => {
              if (chosen && listOp) {
                // A suggestion taken for "is one of" is added to the list, not put in its place.
                const items = value
                  .split(",")
                  .slice(0, -1)
                  .map((v) => v.trim())
                  .filter(Boolean);
                setValue([...items, chosen.value].join(", "));
              } else setValue(next);
              if (chosen) setChosenType(chosen.type);
            }}
            className="sm:col-span-2"
          />
        )}
        <div className="flex items-center gap-2 sm:col-span-2">
          <button
            type="button"
            className="rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
            disabled={!canAdd}
            onClick={() => {
              if (!candidate.success) return;
              onAdd(candidate.data);
              setValue("");
              setChosenType(undefined);
            }}
          >
            Add condition
          </button>
          {problem && value !== "" && <span className="text-xs text-slate-600 dark:text-slate-300">{problem}</span>}
        </div>
      </div>
    </fieldset>
  );
}
