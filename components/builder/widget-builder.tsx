"use client";
// The widget builder: what to show (kind, visualisation, events, measure, dimensions, funnel steps
// with their names and conditions, retention cohorts, a path's start or end), filters, an optional
// range of its own and a title, with a live preview. Fields and choices are in words (lib/query/vocabulary.ts); event names,
// properties and values are suggested from the project's data; a problem is a sentence beside its
// field (lib/reports/builder-errors.ts). It opens scrolled into view with its first field focused,
// and gives focus back to what opened it when it closes.
import { useDeferredValue, useEffect, useId, useReducer, useRef, useState } from "react";
import { QueryPanel } from "@/components/dashboard/query-panel";
import { SegmentSelect } from "@/components/segments/segment-select";
import { WidgetView } from "@/components/widgets/widget-view";
import { ApiClientError } from "@/lib/api/client";
import type { Filter } from "@/lib/query/schemas";
import type { ViewState } from "@/lib/query/view-state";
import {
  INTERVAL_LABELS,
  isGoalMeasure,
  KIND_LABELS,
  MEASURE_LABELS,
  MEASURE_TYPES,
  PERIOD_LABELS,
  RANGE_LABELS,
  RELATIVE_RANGES,
  type RelativeRange,
  VIZ_LABELS,
  WINDOW_UNIT_LABELS,
} from "@/lib/query/vocabulary";
import { problemsFromApiDetails, widgetProblems } from "@/lib/reports/builder-errors";
import {
  type BuilderAction,
  type BuilderState,
  builderReducer,
  initialBuilderState,
  type Kind,
  MAX_STEPS,
  MIN_STEPS,
  toWidgetInput,
  usesProperty,
  vizForKind,
  type WindowUnit,
} from "@/lib/reports/builder-state";
import type { WidgetInput } from "@/lib/reports/schemas";
import { DimensionPicker } from "./dimension-picker";
import { FilterEditor } from "./filter-editor";
import { GoalPicker } from "./goal-picker";
import { controlClass, fieldClass, SuggestInput } from "./suggest-input";

const EVENT_SOURCE = { kind: "event" } as const;
const PROPERTY_KEY_SOURCE = { kind: "property_key" } as const;
const PAGE_SOURCE = { kind: "dimension_value", key: "path" } as const;
const OWN_RANGES = RELATIVE_RANGES.filter((r): r is Exclude<RelativeRange, "last_5_minutes"> => r !== "last_5_minutes");

interface WidgetBuilderProps {
  projectId: string;
  view: ViewState;
  initial?: BuilderState;
  saving: boolean;
  /** The server's refusal of the last save, shown on the fields it names. */
  saveError?: Error | null;
  onSave: (input: WidgetInput) => void;
  onCancel: () => void;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="text-xs font-normal text-red-700 dark:text-red-300">
      {message}
    </p>
  );
}

export function WidgetBuilder({
  projectId,
  view,
  initial = initialBuilderState,
  saving,
  saveError = null,
  onSave,
  onCancel,
}: WidgetBuilderProps) {
  const id = useId();
  const [state, dispatch] = useReducer(builderReducer, initial);
  // A field's problem shows once the field was changed, or for every field once Save was pressed.
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const firstField = useRef<HTMLInputElement>(null);

  const input = toWidgetInput(state);
  const problems = widgetProblems(input);
  const valid = Object.keys(problems).length === 0;
  const serverProblems =
    saveError instanceof ApiClientError && saveError.details.length
      ? problemsFromApiDetails(saveError.details, state.kind)
      : {};
  const problemOf = (field: string): string | undefined =>
    (submitted || changed.has(field) ? problems[field] : undefined) ?? serverProblems[field];
  const formProblem =
    problemOf("form") ?? (saveError && !Object.keys(serverProblems).length ? saveError.message : undefined);
  const preview = useDeferredValue(valid ? input : null);

  // Opened below the fold (editing a widget lower down): bring it into view, ready to type; on close,
  // focus goes back to the button that opened it.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    form.current?.scrollIntoView({ block: "start", behavior: reduced ? "auto" : "smooth" });
    firstField.current?.focus({ preventScroll: true });
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const change = (field: string, action: BuilderAction) => {
    dispatch(action);
    setChanged((current) => (current.has(field) ? current : new Set(current).add(field)));
  };
  const set = <F extends Extract<BuilderAction, { type: "set" }>["field"]>(field: F, value: BuilderState[F]) =>
    change(field === "windowValue" || field === "windowUnit" ? "window" : field, { type: "set", field, value });
  const describedBy = (field: string) => (problemOf(field) ? `${id}-${field}-error` : undefined);
  const invalid = (field: string) => (problemOf(field) ? true : undefined);

  return (
    <form
      ref={form}
      aria-label="Widget builder"
      aria-describedby={`${id}-heading`}
      noValidate
      className="grid scroll-mt-4 gap-6 lg:grid-cols-[minmax(0,24rem)_1fr]"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) return onSave(input);
        setSubmitted(true);
        // The first field at fault, once its message is rendered.
        requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      }}
    >
      <div className="flex min-w-0 flex-col gap-3">
        <h2 id={`${id}-heading`} className="text-base font-semibold">
          {initial.title ? `Edit “${initial.title}”` : "New widget"}
        </h2>
        <label className={fieldClass}>
          Title
          <input
            ref={firstField}
            className={controlClass}
            value={state.title}
            placeholder={input.title}
            aria-invalid={invalid("title")}
            aria-describedby={describedBy("title")}
            onChange={(e) => set("title", e.target.value)}
          />
          <FieldError id={`${id}-title-error`} message={problemOf("title")} />
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className={fieldClass}>
            Kind
            <select
              className={controlClass}
              value={state.kind}
              onChange={(e) => change("kind", { type: "kind", kind: e.target.value as Kind })}
            >
              {(Object.keys(vizForKind) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
          <label className={fieldClass}>
            Visualisation
            <select
              className={controlClass}
              value={state.viz}
              onChange={(e) => set("viz", e.target.value as BuilderState["viz"])}
            >
              {vizForKind[state.kind].map((v) => (
                <option key={v} value={v}>
                  {VIZ_LABELS[v]}
                </option>
              ))}
            </select>
          </label>
        </div>

        {(state.kind === "trend" || state.kind === "metric" || state.kind === "breakdown") && (
          <>
            <SuggestInput
              projectId={projectId}
              source={EVENT_SOURCE}
              label="Event"
              placeholder="All events"
              value={state.event}
              onChange={(value) => set("event", value)}
              error={problemOf("event")}
            />
            <label className={fieldClass}>
              Measure
              <select
                className={controlClass}
                value={state.measure}
                onChange={(e) => set("measure", e.target.value as BuilderState["measure"])}
              >
                {MEASURE_TYPES.map((m) => (
                  <option key={m} value={m}>
                    {MEASURE_LABELS[m]}
                  </option>
                ))}
              </select>
            </label>
            {isGoalMeasure(state.measure) && (
              <GoalPicker
                projectId={projectId}
                value={state.goal}
                onChange={(goal) => set("goal", goal)}
                error={problemOf("goal")}
                errorId={`${id}-goal-error`}
              />
            )}
            {usesProperty(state.measure) && (
              <SuggestInput
                projectId={projectId}
                source={PROPERTY_KEY_SOURCE}
                label="Numeric property"
                placeholder="amount"
                value={state.property}
                accept={(s) => s.type === "number"}
                onChange={(value) => set("property", value)}
                error={problemOf("property")}
              />
            )}
          </>
        )}
        {state.kind === "metric" && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={state.compare} onChange={(e) => set("compare", e.target.checked)} />
            Compare with the previous period
          </label>
        )}

        {state.kind === "vitals" && (
          <label className={fieldClass}>
            Group by
            <select
              className={controlClass}
              value={state.groupBy}
              onChange={(e) => set("groupBy", e.target.value as BuilderState["groupBy"])}
            >
              <option value="">Nothing (all pages)</option>
              <option value="page">Page</option>
              <option value="device">Device</option>
              <option value="browser">Browser</option>
            </select>
          </label>
        )}
        {(state.kind === "vitals" || state.kind === "errors") && (
          <label className={fieldClass}>
            Rows (at most 100)
            <input
              type="number"
              min={1}
              max={100}
              className={controlClass}
              value={state.limit}
              onChange={(e) => set("limit", Number(e.target.value))}
            />
          </label>
        )}

        {(state.kind === "trend" || state.kind === "errors") && (
          <label className={fieldClass}>
            Interval
            <select
              className={controlClass}
              value={state.interval}
              onChange={(e) => set("interval", e.target.value as BuilderState["interval"])}
            >
              {(Object.keys(INTERVAL_LABELS) as BuilderState["interval"][]).map((i) => (
                <option key={i} value={i}>
                  {INTERVAL_LABELS[i]}
                </option>
              ))}
            </select>
          </label>
        )}

        {state.kind === "breakdown" && (
          <div className="grid grid-cols-[1fr_7rem] items-start gap-3">
            <DimensionPicker
              projectId={projectId}
              label="Break down by"
              value={state.dimension}
              onChange={(value) => value && set("dimension", value)}
              error={problemOf("dimension")}
            />
            <NumberField
              label="Values shown"
              value={state.limit}
              min={1}
              max={100}
              onChange={(value) => set("limit", value)}
              error={problemOf("limit")}
              errorId={`${id}-limit-error`}
            />
          </div>
        )}

        {(state.kind === "trend" || state.kind === "funnel") && (
          <div className="grid grid-cols-[1fr_7rem] items-start gap-3">
            <DimensionPicker
              projectId={projectId}
              label={state.kind === "funnel" ? "Break down by (first step's value)" : "Split into series by"}
              noneLabel={state.kind === "funnel" ? "Don't break down" : "Don't split"}
              value={state.splitBy}
              onChange={(value) => set("splitBy", value)}
              error={problemOf("splitBy")}
            />
            {state.splitBy !== null && (
              <NumberField
                label={state.kind === "funnel" ? "Groups shown" : "Series shown"}
                value={state.splitLimit}
                min={1}
                max={100}
                onChange={(value) => set("splitLimit", value)}
                error={problemOf("splitLimit")}
                errorId={`${id}-splitLimit-error`}
              />
            )}
          </div>
        )}

        {state.kind === "funnel" && (
          <fieldset className="flex min-w-0 flex-col gap-3" aria-describedby={describedBy("steps")}>
            <legend className="text-sm font-medium">Steps</legend>
            <FieldError id={`${id}-steps-error`} message={problemOf("steps")} />
            <ol className="flex flex-col gap-3">
              {state.steps.map((step, i) => (
                <FunnelStep
                  key={step.key}
                  projectId={projectId}
                  index={i}
                  step={step}
                  canRemove={state.steps.length > MIN_STEPS}
                  eventError={problemOf(`steps.${i}.event`)}
                  labelError={problemOf(`steps.${i}.label`)}
                  filtersError={problemOf(`steps.${i}.filters`)}
                  change={change}
                />
              ))}
            </ol>
            <button
              type="button"
              disabled={state.steps.length >= MAX_STEPS}
              className="self-start rounded-md px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
              onClick={() => change("steps", { type: "add-step" })}
            >
              Add step
            </button>
            <div className="grid grid-cols-[7rem_1fr] items-start gap-3">
              <NumberField
                label="Conversion window"
                value={state.windowValue}
                min={1}
                max={10_000}
                onChange={(value) => set("windowValue", value)}
                error={problemOf("window")}
                errorId={`${id}-window-error`}
              />
              <label className={fieldClass}>
                Window unit
                <select
                  className={controlClass}
                  value={state.windowUnit}
                  onChange={(e) => set("windowUnit", e.target.value as WindowUnit)}
                >
                  {(Object.keys(WINDOW_UNIT_LABELS) as WindowUnit[]).map((u) => (
                    <option key={u} value={u}>
                      {WINDOW_UNIT_LABELS[u]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </fieldset>
        )}

        {state.kind === "retention" && (
          <div className="grid grid-cols-2 gap-3">
            <SuggestInput
              projectId={projectId}
              source={EVENT_SOURCE}
              label="Start event"
              value={state.startEvent}
              onChange={(value) => set("startEvent", value)}
              error={problemOf("startEvent")}
            />
            <SuggestInput
              projectId={projectId}
              source={EVENT_SOURCE}
              label="Return event"
              value={state.returnEvent}
              onChange={(value) => set("returnEvent", value)}
              error={problemOf("returnEvent")}
            />
            <label className={fieldClass}>
              Cohorts
              <select
                className={controlClass}
                value={state.period}
                onChange={(e) => set("period", e.target.value as BuilderState["period"])}
              >
                {(Object.keys(PERIOD_LABELS) as BuilderState["period"][]).map((p) => (
                  <option key={p} value={p}>
                    {PERIOD_LABELS[p]}
                  </option>
                ))}
              </select>
            </label>
            <NumberField
              label="Periods shown"
              value={state.periods}
              min={1}
              max={52}
              onChange={(value) => set("periods", value)}
              error={problemOf("periods")}
              errorId={`${id}-periods-error`}
            />
          </div>
        )}

        {state.kind === "paths" && (
          <fieldset className="flex min-w-0 flex-col gap-3">
            <legend className="text-sm font-medium">Paths</legend>
            <div className="grid grid-cols-2 gap-3">
              <label className={fieldClass}>
                Show
                <select
                  className={controlClass}
                  value={state.pathsFrom}
                  onChange={(e) => set("pathsFrom", e.target.value as BuilderState["pathsFrom"])}
                >
                  <option value="start">Steps after a start</option>
                  <option value="end">Steps leading to an end</option>
                </select>
              </label>
              <label className={fieldClass}>
                {state.pathsFrom === "start" ? "Start is" : "End is"}
                <select
                  className={controlClass}
                  value={state.anchorType}
                  onChange={(e) => set("anchorType", e.target.value as BuilderState["anchorType"])}
                >
                  <option value="page">A page</option>
                  <option value="event">An event</option>
                </select>
              </label>
            </div>
            <SuggestInput
              projectId={projectId}
              source={state.anchorType === "page" ? PAGE_SOURCE : EVENT_SOURCE}
              label={`${state.pathsFrom === "start" ? "Start" : "End"} ${state.anchorType === "page" ? "page (* matches anything)" : "event"}`}
              placeholder={state.anchorType === "page" ? "/pricing or /docs/*" : "signup"}
              value={state.anchor}
              onChange={(value) => set("anchor", value)}
              error={problemOf("anchor")}
            />
            <div className="grid grid-cols-2 gap-3">
              <NumberField
                label="Steps (at most 10)"
                value={state.pathSteps}
                min={1}
                max={10}
                onChange={(value) => set("pathSteps", value)}
                error={problemOf("pathSteps")}
                errorId={`${id}-pathSteps-error`}
              />
              <NumberField
                label="Values per step (at most 20)"
                value={state.pathValues}
                min={1}
                max={20}
                onChange={(value) => set("pathValues", value)}
                error={problemOf("pathValues")}
                errorId={`${id}-pathValues-error`}
              />
            </div>
          </fieldset>
        )}

        <FilterEditor
          projectId={projectId}
          legend="Filters"
          filters={state.filters}
          onAdd={(filter: Filter) => change("filters", { type: "add-filter", filter })}
          onRemove={(index) => change("filters", { type: "remove-filter", index })}
          error={problemOf("filters")}
        />

        <SegmentSelect
          projectId={projectId}
          label="Widget's segment"
          hint="ANDed with the page's segment and filters"
          error={problemOf("segment")}
          value={state.segment ?? undefined}
          onChange={(segment) => set("segment", segment ?? null)}
        />

        <label className={fieldClass}>
          Widget&apos;s date range
          <select
            className={controlClass}
            value={state.range && "relative" in state.range ? state.range.relative : state.range ? "custom" : ""}
            aria-invalid={invalid("range")}
            aria-describedby={describedBy("range")}
            onChange={(e) =>
              e.target.value !== "custom" &&
              change("range", {
                type: "range",
                range: e.target.value ? { relative: e.target.value as RelativeRange } : null,
              })
            }
          >
            <option value="">The page&apos;s date range</option>
            {OWN_RANGES.map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r]}
              </option>
            ))}
            {state.range && "from" in state.range && (
              <option value="custom">{`${state.range.from} – ${state.range.to}`}</option>
            )}
          </select>
          <FieldError id={`${id}-range-error`} message={problemOf("range")} />
        </label>

        {formProblem && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {formProblem}
          </p>
        )}
        <div className="flex gap-2">
          <button
            type="submit"
            disabled={saving}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            {saving ? "Saving…" : "Save widget"}
          </button>
          <button
            type="button"
            onClick={onCancel}
            className="rounded-md px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            Cancel
          </button>
        </div>
      </div>
      <section aria-label="Preview" className="min-h-64 min-w-0">
        {preview ? (
          <QueryPanel title={preview.title} projectId={projectId} query={preview.query} view={view} className="h-full">
            {(result) => (
              <WidgetView
                result={result}
                viz={preview.viz}
                measureType={"measure" in preview.query ? preview.query.measure?.type : undefined}
                title={preview.title}
              />
            )}
          </QueryPanel>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-300">The preview appears once the widget is complete.</p>
        )}
      </section>
    </form>
  );
}

function NumberField({
  label,
  value,
  min,
  max,
  onChange,
  error,
  errorId,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  error?: string;
  errorId: string;
}) {
  return (
    <label className={fieldClass}>
      {label}
      <input
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        className={controlClass}
        value={Number.isFinite(value) ? value : ""}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))}
      />
      <FieldError id={errorId} message={error} />
    </label>
  );
}

function FunnelStep({
  projectId,
  index,
  step,
  canRemove,
  eventError,
  labelError,
  filtersError,
  change,
}: {
  projectId: string;
  index: number;
  step: BuilderState["steps"][number];
  canRemove: boolean;
  eventError?: string;
  labelError?: string;
  filtersError?: string;
  change: (field: string, action: BuilderAction) => void;
}) {
  const n = index + 1;
  const [conditionsOpen, setConditionsOpen] = useState(step.filters.length > 0);
  const labelErrorId = useId();
  return (
    <li className="flex flex-col gap-2 rounded-md border border-slate-200 p-2 dark:border-slate-700">
      <div className="flex items-start gap-2">
        <div className="grid min-w-0 flex-1 grid-cols-2 gap-2">
          <SuggestInput
            projectId={projectId}
            source={EVENT_SOURCE}
            label={`Step ${n} event`}
            value={step.event}
            onChange={(event) => change(`steps.${index}.event`, { type: "step", index, event })}
            error={eventError}
          />
          <label className={fieldClass}>
            {`Step ${n} name`}
            <input
              className={controlClass}
              value={step.label}
              placeholder={step.event || "Same as the event"}
              aria-invalid={labelError ? true : undefined}
              aria-describedby={labelError ? labelErrorId : undefined}
              onChange={(e) => change(`steps.${index}.label`, { type: "step", index, label: e.target.value })}
            />
            <FieldError id={labelErrorId} message={labelError} />
          </label>
        </div>
        <button
          type="button"
          disabled={!canRemove}
          className="mt-6 rounded px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-40 dark:hover:bg-slate-800"
          aria-label={`Remove step ${n}`}
          onClick={() => change("steps", { type: "remove-step", index })}
        >
          ×
        </button>
      </div>
      {conditionsOpen ? (
        <FilterEditor
          projectId={projectId}
          legend={`Step ${n} conditions`}
          filters={step.filters}
          onAdd={(filter) => change(`steps.${index}.filters`, { type: "add-step-filter", index, filter })}
          onRemove={(filterIndex) =>
            change(`steps.${index}.filters`, { type: "remove-step-filter", index, filterIndex })
          }
          error={filtersError}
        />
      ) : (
        <button
          type="button"
          className="self-start rounded px-1 text-xs text-indigo-700 hover:underline dark:text-indigo-300"
          onClick={() => setConditionsOpen(true)}
        >
          {`Add a condition to step ${n}`}
        </button>
      )}
    </li>
  );
}
