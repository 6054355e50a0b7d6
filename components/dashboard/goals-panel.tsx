"use client";
// The overview's Goals panel: per goal of the project, the visitors who completed it in the view and
// their share of the view's visitors (the Visitors headline: goal_conversion_rate's denominator).
// Clicking a goal keeps the visitors who completed it (a "goal" conversion filter), as clicking a
// custom event does. One request per goal (lib/query/overview.ts: goalVisitorsQuery).
import Link from "next/link";
import { useQueryResult } from "@/components/hooks/use-query-result";
import { formatNumber, formatPercent } from "@/components/widgets/format";
import { useLocale } from "@/components/widgets/use-locale";
import { WidgetFrame } from "@/components/widgets/widget-frame";
import type { GoalView } from "@/lib/goals/schemas";
import { describeGoalDefinition } from "@/lib/goals/schemas";
import { goalVisitorsQuery, HEADLINE_METRICS, headlineQuery } from "@/lib/query/overview";
import type { MetricResult } from "@/lib/query/results";
import type { ViewState } from "@/lib/query/view-state";

const VISITORS = headlineQuery(HEADLINE_METRICS[0]!);

function GoalRow({
  projectId,
  goal,
  view,
  visitors,
  onSelect,
}: {
  projectId: string;
  goal: GoalView;
  view: ViewState;
  visitors: number | null;
  onSelect: (goalId: string) => void;
}) {
  const locale = useLocale();
  const result = useQueryResult<MetricResult>(projectId, goalVisitorsQuery(goal), view);
  const converted = result.data?.data.value ?? null;
  const rate = converted === null || !visitors ? null : converted / visitors;
  const busy = !result.data || result.isPlaceholderData;
  return (
    <tr className="border-t border-slate-100 dark:border-slate-800" aria-busy={busy || undefined}>
      <th scope="row" className="max-w-0 py-1.5 pr-3 text-left font-normal">
        <button
          type="button"
          onClick={() => onSelect(goal.id)}
          title={`Keep the visitors who completed ${goal.name} (${describeGoalDefinition(goal.definition)})`}
          className="-mx-1 flex min-w-0 rounded px-1 text-left outline-none hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-800"
        >
          <span className="truncate">{goal.name}</span>
        </button>
      </th>
      <td className={`py-1.5 pr-3 text-right ${busy ? "opacity-60" : ""}`} data-testid="goal-visitors">
        {result.isError ? "!" : formatNumber(converted, locale)}
      </td>
      <td className={`py-1.5 pr-3 text-right ${busy ? "opacity-60" : ""}`} data-testid="goal-rate">
        {result.isError ? "!" : formatPercent(rate, locale)}
      </td>
    </tr>
  );
}

export function GoalsPanel({
  projectId,
  view,
  goals,
  goalsError,
  onSelect,
}: {
  projectId: string;
  view: ViewState;
  goals: GoalView[] | undefined;
  goalsError: Error | null;
  onSelect: (goalId: string) => void;
}) {
  const visitors = useQueryResult<MetricResult>(projectId, VISITORS, view);
  return (
    <WidgetFrame
      title="Goals"
      loading={!goals && !goalsError}
      skeleton={{ kind: "table", rows: 3 }}
      error={goalsError}
      pending={visitors.isPlaceholderData}
    >
      {goals && goals.length > 0 ? (
        <table className="w-full text-sm tabular-nums">
          <caption className="sr-only">Goals: visitors who completed each, and their share of all visitors</caption>
          <thead className="text-left text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1.5 pr-3 font-medium">
                Goal
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Visitors converted
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Conversion rate
              </th>
            </tr>
          </thead>
          <tbody>
            {goals.map((goal) => (
              <GoalRow
                key={goal.id}
                projectId={projectId}
                goal={goal}
                view={view}
                visitors={visitors.data?.data.value ?? null}
                onSelect={onSelect}
              />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          No goals yet.{" "}
          <Link className="underline" href={`/projects/${projectId}/settings#goals`}>
            Define goals in settings
          </Link>{" "}
          to see how many visitors convert.
        </p>
      )}
    </WidgetFrame>
  );
}
