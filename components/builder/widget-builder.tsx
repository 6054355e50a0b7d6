"use client";
// The widget builder: kind, visualisation, events, measure, dimension, filters, interval and title,
// with a live preview of the result while editing.
import { useDeferredValue, useReducer } from "react";
import { QueryPanel } from "@/components/dashboard/query-panel";
import { WidgetView } from "@/components/widgets/widget-view";
import { DIMENSIONS, type Filter } from "@/lib/query/schemas";
import type { ViewState } from "@/lib/query/view-state";
import {
  type BuilderState,
  builderReducer,
  initialBuilderState,
  type Kind,
  toWidgetInput,
  vizForKind,
} from "@/lib/reports/builder-state";
import { type WidgetInput, widgetInputSchema } from "@/lib/reports/schemas";
import { FilterEditor } from "./filter-editor";

const field = "flex flex-col gap-1 text-sm font-medium";
const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 font-normal dark:border-slate-700 dark:bg-slate-900";
const measures = [
  "count",
  "unique_users",
  "sessions",
  "bounce_rate",
  "avg_session_duration",
  "sum",
  "avg",
  "min",
  "max",
] as const;

interface WidgetBuilderProps {
  projectId: string;
  view: ViewState;
  initial?: BuilderState;
  saving: boolean;
  onSave: (input: WidgetInput) => void;
  onCancel: () => void;
}

export function WidgetBuilder({
  projectId,
  view,
  initial = initialBuilderState,
  saving,
  onSave,
  onCancel,
}: WidgetBuilderProps) {
  const [state, dispatch] = useReducer(builderReducer, initial);
  const set = (f: Parameters<typeof builderReducer>[1] & { type: "set" }) => dispatch(f);
  const input = toWidgetInput(state);
  const valid = widgetInputSchema.safeParse(input);
  const preview = useDeferredValue(valid.success ? input : null);
  const usesProperty = ["sum", "avg", "min", "max"].includes(state.measure);

  return (
    <form
      aria-label="Widget builder"
      className="grid gap-6 lg:grid-cols-[minmax(0,22rem)_1fr]"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid.success) onSave(input);
      }}
    >
      <div className="flex flex-col gap-3">
        <label className={field}>
          Title
          <input
            className={control}
            value={state.title}
            placeholder={input.title}
            onChange={(e) => set({ type: "set", field: "title", value: e.target.value })}
          />
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className={field}>
            Kind
            <select
              className={control}
              value={state.kind}
              onChange={(e) => dispatch({ type: "kind", kind: e.target.value as Kind })}
            >
              {(Object.keys(vizForKind) as Kind[]).map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label className={field}>
            Visualisation
            <select
              className={control}
              value={state.viz}
              onChange={(e) => set({ type: "set", field: "viz", value: e.target.value })}
            >
              {vizForKind[state.kind].map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </label>
        </div>
        {(state.kind === "trend" || state.kind === "metric" || state.kind === "breakdown") && (
          <>
            <label className={field}>
              Event (empty for all events)
              <input
                className={control}
                value={state.event}
                onChange={(e) => set({ type: "set", field: "event", value: e.target.value })}
              />
            </label>
            <label className={field}>
              Measure
              <select
                className={control}
                value={state.measure}
                onChange={(e) => set({ type: "set", field: "measure", value: e.target.value })}
              >
                {measures.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            {usesProperty && (
              <label className={field}>
                Numeric property
                <input
                  className={control}
                  value={state.property}
                  placeholder="amount"
                  onChange={(e) => set({ type: "set", field: "property", value: e.target.value })}
                />
              </label>
            )}
          </>
        )}
        {state.kind === "vitals" && (
          <label className={field}>
            Group by
            <select
              className={control}
              value={state.groupBy}
              onChange={(e) => set({ type: "set", field: "groupBy", value: e.target.value })}
            >
              <option value="">nothing (all pages)</option>
              <option value="page">page</option>
              <option value="device">device</option>
              <option value="browser">browser</option>
            </select>
          </label>
        )}
        {(state.kind === "vitals" || state.kind === "errors") && (
          <label className={field}>
            Rows (at most 100)
            <input
              type="number"
              min={1}
              max={100}
              className={control}
              value={state.limit}
              onChange={(e) => set({ type: "set", field: "limit", value: Number(e.target.value) })}
            />
          </label>
        )}
        {(state.kind === "trend" || state.kind === "errors") && (
          <label className={field}>
            Interval
            <select
              className={control}
              value={state.interval}
              onChange={(e) => set({ type: "set", field: "interval", value: e.target.value })}
            >
              {["hour", "day", "week", "month"].map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
          </label>
        )}
        {state.kind === "breakdown" && (
          <label className={field}>
            Dimension
            <select
              className={control}
              value={state.dimension}
              onChange={(e) => set({ type: "set", field: "dimension", value: e.target.value })}
            >
              {DIMENSIONS.map((d) => (
                <option key={d}>{d}</option>
              ))}
            </select>
          </label>
        )}
        {state.kind === "funnel" && (
          <fieldset className="flex flex-col gap-2">
            <legend className="text-sm font-medium">Steps</legend>
            {state.steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id and hold no state of their own (their inputs are controlled).
              <div key={i} className="flex gap-2">
                <input
                  aria-label={`Step ${i + 1} event`}
                  className={`${control} flex-1`}
                  value={step}
                  onChange={(e) => dispatch({ type: "step", index: i, event: e.target.value })}
                />
                <button
                  type="button"
                  className="px-2 text-sm"
                  aria-label={`Remove step ${i + 1}`}
                  onClick={() => dispatch({ type: "remove-step", index: i })}
                >
                  ×
                </button>
              </div>
            ))}
            <button
              type="button"
              className="self-start text-sm text-indigo-600"
              onClick={() => dispatch({ type: "add-step" })}
            >
              Add step
            </button>
            <label className={field}>
              Conversion window (days)
              <input
                type="number"
                min={1}
                className={control}
                value={state.windowDays}
                onChange={(e) => set({ type: "set", field: "windowDays", value: Number(e.target.value) })}
              />
            </label>
          </fieldset>
        )}
        {state.kind === "retention" && (
          <div className="grid grid-cols-2 gap-3">
            <label className={field}>
              Start event
              <input
                className={control}
                value={state.startEvent}
                onChange={(e) => set({ type: "set", field: "startEvent", value: e.target.value })}
              />
            </label>
            <label className={field}>
              Return event
              <input
                className={control}
                value={state.returnEvent}
                onChange={(e) => set({ type: "set", field: "returnEvent", value: e.target.value })}
              />
            </label>
            <label className={field}>
              Period
              <select
                className={control}
                value={state.period}
                onChange={(e) => set({ type: "set", field: "period", value: e.target.value })}
              >
                <option>day</option>
                <option>week</option>
              </select>
            </label>
          </div>
        )}
        <FilterEditor
          filters={state.filters}
          onAdd={(filter: Filter) => dispatch({ type: "add-filter", filter })}
          onRemove={(index) => dispatch({ type: "remove-filter", index })}
        />
        {!valid.success && (
          <p className="text-sm text-amber-700 dark:text-amber-300">
            {valid.error.issues[0]?.path.join(".")}: {valid.error.issues[0]?.message}
          </p>
        )}
        <div className="flex gap-2">
          <button
            type="submit"
            disabled={!valid.success || saving}
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
      <section aria-label="Preview" className="min-h-64">
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
          <p className="text-sm text-slate-500">Complete the form to see a preview.</p>
        )}
      </section>
    </form>
  );
}
