"use client";
// Create or edit an alert rule: what to measure (event, any measure of the query language with what
// it needs: a property, a goal, the event converted on; or a widget's query as it is), the window,
// the condition, the channels and the anti-flapping settings. The server validates again
// (lib/alerts/schemas.ts) and its message is shown as it is.
import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { GoalPicker } from "@/components/builder/goal-picker";
import { SuggestInput } from "@/components/builder/suggest-input";
import { SegmentSelect } from "@/components/segments/segment-select";
import { formatCount } from "@/components/widgets/format";
import {
  inputsOfMeasure,
  joinConversionFilter,
  type MeasureInputs,
  measureNeed,
  measureOfChoice,
  splitConversionFilter,
} from "@/lib/alerts/measure-choice";
import type { AlertCondition, AlertQuery } from "@/lib/alerts/schemas";
import { apiFetch } from "@/lib/api/client";
import { MEASURE_LABELS, MEASURE_TYPES, type MeasureType } from "@/lib/query/vocabulary";
import { button, CHANNEL_KIND_LABELS, type ChannelView, control, type RuleView } from "./api";

type ConditionType = AlertCondition["type"];
const EVENT_SOURCE = { kind: "event" } as const;
const PROPERTY_KEY_SOURCE = { kind: "property_key" } as const;

export interface RuleDraft {
  name: string;
  query: AlertQuery;
}

function initialCondition(rule?: RuleView): AlertCondition {
  return rule?.condition ?? { type: "threshold", op: "above", value: 100 };
}

export function RuleForm({
  projectId,
  channels,
  rule,
  draft,
  onDone,
}: {
  projectId: string;
  channels: ChannelView[];
  rule?: RuleView;
  draft?: RuleDraft;
  onDone: () => void;
}) {
  const measureId = useId();
  const [name, setName] = useState(rule?.name ?? draft?.name ?? "");
  const initial: AlertQuery = rule?.query ??
    draft?.query ?? { kind: "metric", event: "pageview", measure: { type: "count" }, filters: [] };
  // A conversion rate's "performed" filter is edited as its own field; the other filters stay as they came.
  const [query, setQuery] = useState<AlertQuery>(() => ({
    ...initial,
    filters: splitConversionFilter(initial.measure, initial.filters).others,
  }));
  const [convertsTo, setConvertsTo] = useState(
    () => splitConversionFilter(initial.measure, initial.filters).convertsTo,
  );
  const [inputs, setInputs] = useState<MeasureInputs>(() => inputsOfMeasure(initial.measure));
  const need = measureNeed(query.measure.type);
  const chooseMeasure = (type: MeasureType, next: MeasureInputs = inputs) => {
    setInputs(next);
    setQuery({ ...query, measure: measureOfChoice(type, next) });
  };
  const [windowKind, setWindowKind] = useState<"minutes" | "today">(
    rule && "calendar" in rule.window ? "today" : "minutes",
  );
  const [minutes, setMinutes] = useState(rule && "minutes" in rule.window ? rule.window.minutes : 60);
  const [condition, setCondition] = useState<AlertCondition>(initialCondition(rule));
  const [channelIds, setChannelIds] = useState<string[]>(rule?.channel_ids ?? []);
  const [minDuration, setMinDuration] = useState(rule?.min_duration_seconds ?? 0);
  const [cooldown, setCooldown] = useState(rule?.cooldown_seconds ?? 0);

  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        query: { ...query, filters: joinConversionFilter(query.measure, query.filters, convertsTo) },
        window: windowKind === "today" ? { calendar: "today" } : { minutes },
        condition,
        channel_ids: channelIds,
        min_duration_seconds: minDuration,
        cooldown_seconds: cooldown,
      };
      return rule
        ? apiFetch(`/api/v1/alerts/${rule.id}`, { method: "PATCH", body })
        : apiFetch("/api/v1/alerts", { body: { project_id: projectId, ...body } });
    },
    onSuccess: onDone,
  });

  const setType = (type: ConditionType) => {
    const defaults: Record<ConditionType, AlertCondition> = {
      threshold: { type: "threshold", op: "above", value: 100 },
      change: { type: "change", compare_to: "previous_window", unit: "percent", direction: "either", value: 50 },
      anomaly: { type: "anomaly", weeks: 4, k: 3, direction: "either", min_volume: 10 },
      no_data: { type: "no_data", minutes: 30 },
    };
    setCondition(defaults[type]);
  };
  const number = (value: string) => (value === "" ? 0 : Number(value));

  return (
    <form
      aria-label={rule ? `Edit ${rule.name}` : "New alert rule"}
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <label className="flex flex-col gap-1 text-sm">
        Name
        <input className={control} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <fieldset className="flex flex-wrap items-end gap-3">
        <legend className="mb-1 text-sm font-medium">Measure</legend>
        <label className="flex flex-col gap-1 text-sm">
          Event
          <input
            className={control}
            value={query.event ?? ""}
            placeholder="any event"
            onChange={(e) => setQuery({ ...query, event: e.target.value || undefined })}
          />
        </label>
        {/* Labelled by id, not by wrapping: a wrapping label's text would take in the options' words. */}
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor={measureId}>Measure</label>
          <select
            id={measureId}
            className={control}
            value={query.measure.type}
            onChange={(e) => chooseMeasure(e.target.value as MeasureType)}
          >
            {MEASURE_TYPES.map((m) => (
              <option key={m} value={m}>
                {MEASURE_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        {need === "property" && (
          <SuggestInput
            projectId={projectId}
            source={PROPERTY_KEY_SOURCE}
            label="Numeric property"
            placeholder="amount"
            value={inputs.property}
            accept={(s) => s.type === "number"}
            onChange={(property) => chooseMeasure(query.measure.type, { ...inputs, property })}
          />
        )}
        {need === "goal" && (
          <GoalPicker
            projectId={projectId}
            value={inputs.goal}
            onChange={(goal) => chooseMeasure(query.measure.type, { ...inputs, goal })}
            errorId={`${measureId}-goal-error`}
          />
        )}
        {need === "conversion" && (
          <SuggestInput
            projectId={projectId}
            source={EVENT_SOURCE}
            label="Converted: visitors who did"
            placeholder="signup"
            value={convertsTo}
            onChange={setConvertsTo}
          />
        )}
        {query.filters.length > 0 && (
          <span className="text-sm text-slate-500">
            {formatCount(query.filters.length, { one: "filter", other: "filters" })} from the widget
          </span>
        )}
        <SegmentSelect
          projectId={projectId}
          label="Segment"
          value={query.segment}
          onChange={(segment) => {
            const { segment: _previous, ...rest } = query;
            setQuery(segment ? { ...rest, segment } : rest);
          }}
        />
      </fieldset>
      <fieldset className="flex flex-wrap items-end gap-3">
        <legend className="mb-1 text-sm font-medium">Window</legend>
        <select
          aria-label="Window"
          className={control}
          value={windowKind}
          onChange={(e) => setWindowKind(e.target.value as "minutes" | "today")}
        >
          <option value="minutes">Last N minutes</option>
          <option value="today">Today so far</option>
        </select>
        {windowKind === "minutes" && (
          <label className="flex flex-col gap-1 text-sm">
            Minutes
            <input
              className={control}
              type="number"
              min={1}
              value={minutes}
              onChange={(e) => setMinutes(number(e.target.value))}
            />
          </label>
        )}
      </fieldset>
      <fieldset className="flex flex-wrap items-end gap-3">
        <legend className="mb-1 text-sm font-medium">Condition</legend>
        <select
          aria-label="Condition"
          className={control}
          value={condition.type}
          onChange={(e) => setType(e.target.value as ConditionType)}
        >
          <option value="threshold">Above / below a threshold</option>
          <option value="change">Change</option>
          <option value="anomaly">Anomaly (learned band)</option>
          <option value="no_data">No data</option>
        </select>
        {condition.type === "threshold" && (
          <>
            <select
              aria-label="Direction"
              className={control}
              value={condition.op}
              onChange={(e) => setCondition({ ...condition, op: e.target.value as "above" | "below" })}
            >
              <option value="above">above</option>
              <option value="below">below</option>
            </select>
            <input
              aria-label="Threshold"
              className={control}
              type="number"
              value={condition.value}
              onChange={(e) => setCondition({ ...condition, value: number(e.target.value) })}
            />
          </>
        )}
        {condition.type === "change" && (
          <>
            <select
              aria-label="Compared with"
              className={control}
              value={condition.compare_to}
              onChange={(e) =>
                setCondition({ ...condition, compare_to: e.target.value as "previous_window" | "week_ago" })
              }
            >
              <option value="previous_window">the previous window</option>
              <option value="week_ago">the same window a week ago</option>
            </select>
            <select
              aria-label="Change direction"
              className={control}
              value={condition.direction}
              onChange={(e) =>
                setCondition({ ...condition, direction: e.target.value as "increase" | "decrease" | "either" })
              }
            >
              <option value="either">up or down by</option>
              <option value="increase">up by</option>
              <option value="decrease">down by</option>
            </select>
            <input
              aria-label="Change"
              className={control}
              type="number"
              min={0}
              value={condition.value}
              onChange={(e) => setCondition({ ...condition, value: number(e.target.value) })}
            />
            <select
              aria-label="Unit"
              className={control}
              value={condition.unit}
              onChange={(e) => setCondition({ ...condition, unit: e.target.value as "percent" | "absolute" })}
            >
              <option value="percent">%</option>
              <option value="absolute">absolute</option>
            </select>
          </>
        )}
        {condition.type === "anomaly" && (
          <>
            <label className="flex flex-col gap-1 text-sm">
              Weeks of history
              <input
                className={control}
                type="number"
                min={2}
                max={8}
                value={condition.weeks}
                onChange={(e) => setCondition({ ...condition, weeks: number(e.target.value) })}
              />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Deviations (k)
              <input
                className={control}
                type="number"
                min={0.5}
                step={0.5}
                value={condition.k}
                onChange={(e) => setCondition({ ...condition, k: number(e.target.value) })}
              />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Minimum volume
              <input
                className={control}
                type="number"
                min={0}
                value={condition.min_volume}
                onChange={(e) => setCondition({ ...condition, min_volume: number(e.target.value) })}
              />
            </label>
          </>
        )}
        {condition.type === "no_data" && (
          <label className="flex flex-col gap-1 text-sm">
            No events for (minutes)
            <input
              className={control}
              type="number"
              min={1}
              value={condition.minutes}
              onChange={(e) => setCondition({ ...condition, minutes: number(e.target.value) })}
            />
          </label>
        )}
      </fieldset>
      <fieldset className="flex flex-wrap gap-3">
        <legend className="mb-1 text-sm font-medium">Notify</legend>
        {channels.length === 0 && (
          <span className="text-sm text-slate-500">No channels yet (admins add them below).</span>
        )}
        {channels.map((channel) => (
          <label key={channel.id} className="flex items-center gap-1 text-sm">
            <input
              type="checkbox"
              checked={channelIds.includes(channel.id)}
              onChange={(e) =>
                setChannelIds(
                  e.target.checked ? [...channelIds, channel.id] : channelIds.filter((id) => id !== channel.id),
                )
              }
            />
            {channel.name} ({CHANNEL_KIND_LABELS[channel.kind]})
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Must hold for (seconds)
          <input
            className={control}
            type="number"
            min={0}
            value={minDuration}
            onChange={(e) => setMinDuration(number(e.target.value))}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Cooldown after resolving (seconds)
          <input
            className={control}
            type="number"
            min={0}
            value={cooldown}
            onChange={(e) => setCooldown(number(e.target.value))}
          />
        </label>
      </div>
      {save.isError && (
        <p role="alert" className="text-sm text-red-600">
          {save.error.message}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className={button} disabled={save.isPending}>
          {rule ? "Save rule" : "Create rule"}
        </button>
        <button type="button" className={button} onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
