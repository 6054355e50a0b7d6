"use client";
// Funnel steps as bars sized by conversion from the first step, with counts, step-to-step
// conversion and drop-off in text (HTML, so every number is readable without a hidden table).
import type { FunnelResult, FunnelStepResult } from "@/lib/query/results";
import { dimensionLabel, dimensionValueLabel } from "@/lib/query/vocabulary";
import { seriesColor } from "./colors";
import { formatNumber, formatPercent } from "./format";
import { useLocale } from "./use-locale";

export interface FunnelChartProps {
  result: FunnelResult;
  orientation?: "horizontal" | "vertical";
  title?: string;
  accent?: string;
  locale?: string;
  /** Bar area height in pixels for the vertical orientation. */
  height?: number;
}

/** Conversion and drop-off: one line in rows, one fact per line in narrow columns. */
function StepFacts({ step, locale, stacked = false }: { step: FunnelStepResult; locale: string; stacked?: boolean }) {
  const facts =
    step.index === 0
      ? ["Started the funnel"]
      : [
          `${formatPercent(step.conversion_from_first, locale)} of first`,
          `${formatPercent(step.conversion_from_previous, locale)} from previous`,
          `${formatNumber(step.drop_off, locale)} dropped`,
        ];
  return (
    <span className="text-xs tabular-nums text-slate-500 dark:text-slate-400">
      {stacked
        ? facts.map((fact) => (
            <span key={fact} className="block">
              {fact}
            </span>
          ))
        : facts.join(" · ")}
    </span>
  );
}

function BreakdownTable({
  groups,
  dimension,
  steps,
  locale,
}: {
  groups: NonNullable<FunnelResult["breakdown"]>;
  dimension: string;
  steps: FunnelStepResult[];
  locale: string;
}) {
  const heading = dimension ? dimensionLabel(dimension) : "Group";
  return (
    <table className="mt-4 w-full text-xs tabular-nums">
      <caption className="sr-only">{`Funnel by ${heading}`}</caption>
      <thead className="text-left text-slate-500 dark:text-slate-400">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">
            {heading}
          </th>
          {steps.map((step) => (
            <th key={step.index} scope="col" className="py-1 pr-3 text-right font-medium">
              {step.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {groups.map((group, i) => (
          <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
            <th
              scope="row"
              className={`py-1 pr-3 text-left font-normal ${group.other || group.value === null ? "italic text-slate-500 dark:text-slate-400" : ""}`}
            >
              {group.other ? "Other" : dimensionValueLabel(dimension, group.value, locale)}
            </th>
            {group.steps.map((step) => (
              <td key={step.index} className="py-1 pr-3 text-right">
                {formatNumber(step.count, locale)}{" "}
                <span className="text-slate-500 dark:text-slate-400">
                  ({formatPercent(step.conversion_from_first, locale)})
                </span>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FunnelChart({
  result,
  orientation = "horizontal",
  title = "Funnel",
  accent,
  locale,
  height = 200,
}: FunnelChartProps) {
  const lang = useLocale(locale);
  const color = seriesColor(0, accent);
  const track = "bg-slate-100 dark:bg-slate-800";
  // The first step is the whole funnel even when its conversion is null (nobody started).
  const share = (step: FunnelStepResult) => (step.index === 0 ? 1 : (step.conversion_from_first ?? 0));
  const steps =
    orientation === "horizontal" ? (
      <ol aria-label={title} className="flex flex-col gap-3 text-sm">
        {result.steps.map((step) => (
          <li key={step.index} className="flex flex-col gap-1">
            <div className="flex items-baseline justify-between gap-3">
              <span className="truncate font-medium">
                {step.index + 1}. {step.label}
              </span>
              <span className="font-semibold tabular-nums">{formatNumber(step.count, lang)}</span>
            </div>
            <div aria-hidden="true" className={`h-3 overflow-hidden rounded ${track}`}>
              <div className="h-full rounded" style={{ width: `${share(step) * 100}%`, background: color }} />
            </div>
            <StepFacts step={step} locale={lang} />
          </li>
        ))}
      </ol>
    ) : (
      <ol
        aria-label={title}
        className="grid gap-3 text-sm"
        style={{ gridTemplateColumns: `repeat(${result.steps.length}, minmax(0, 1fr))` }}
      >
        {result.steps.map((step) => (
          <li key={step.index} className="flex min-w-0 flex-col gap-1">
            <div aria-hidden="true" className={`flex items-end overflow-hidden rounded ${track}`} style={{ height }}>
              <div className="w-full rounded" style={{ height: `${share(step) * 100}%`, background: color }} />
            </div>
            <span className="truncate font-medium" title={step.label}>
              {step.index + 1}. {step.label}
            </span>
            <span className="font-semibold tabular-nums">{formatNumber(step.count, lang)}</span>
            <StepFacts step={step} locale={lang} stacked />
          </li>
        ))}
      </ol>
    );
  return (
    <div>
      {steps}
      {result.breakdown && result.breakdown.length > 0 && (
        <BreakdownTable
          groups={result.breakdown}
          dimension={result.dimension ?? ""}
          steps={result.steps}
          locale={lang}
        />
      )}
    </div>
  );
}
