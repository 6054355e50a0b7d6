"use client";
// JavaScript errors grouped by fingerprint: message and top frame, occurrences, affected users,
// first and last seen, and a sparkline of occurrences per bucket (Recharts).
import { Line, LineChart, YAxis } from "recharts";
import type { ErrorsResult } from "@/lib/query/results";
import { seriesColor } from "./colors";
import { formatCount, formatNumber } from "./format";
import { useLocale } from "./use-locale";

function Sparkline({ values, color, label }: { values: number[]; color: string; label: string }) {
  const data = values.map((value, i) => ({ i, value }));
  return (
    <div role="img" aria-label={label}>
      <LineChart width={120} height={28} data={data}>
        <YAxis hide domain={[0, "dataMax"]} />
        <Line type="monotone" dataKey="value" stroke={color} strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
    </div>
  );
}

export function ErrorsTable({
  result,
  title = "JavaScript errors",
  accent,
  locale,
}: {
  result: ErrorsResult;
  title?: string;
  accent?: string;
  locale?: string;
}) {
  const lang = useLocale(locale);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  const color = seriesColor(0, accent);
  return (
    <div className="overflow-x-auto">
      <p className="px-2 pb-1 text-xs text-slate-500 dark:text-slate-400">
        {formatCount(result.total.count, { one: "error", other: "errors" }, lang)},{" "}
        {formatCount(result.total.users, { one: "user", other: "users" }, lang)} affected
      </p>
      <table className="w-full text-xs tabular-nums">
        <caption className="sr-only">{title}, grouped by message and top stack frame, the most frequent first</caption>
        <thead className="text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-2 py-1 text-left font-medium">
              Error
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium">
              Count
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium">
              Users
            </th>
            <th scope="col" className="px-2 py-1 text-left font-medium">
              First seen
            </th>
            <th scope="col" className="px-2 py-1 text-left font-medium">
              Last seen
            </th>
            <th scope="col" className="px-2 py-1 text-left font-medium">
              Trend
            </th>
          </tr>
        </thead>
        <tbody>
          {result.groups.map((group) => (
            <tr
              key={group.fingerprint}
              data-fingerprint={group.fingerprint}
              className="border-t border-slate-100 align-top dark:border-slate-800"
            >
              <th scope="row" className="max-w-96 px-2 py-1 text-left font-normal">
                <span className="block truncate font-medium" title={group.message}>
                  {group.kind === "unhandledrejection" ? "Unhandled rejection: " : ""}
                  {group.message || "(no message)"}
                </span>
                <code className="block truncate text-slate-500 dark:text-slate-400" title={group.top_frame}>
                  {group.top_frame || "(no stack)"}
                </code>
              </th>
              <td className="px-2 py-1 text-right">{formatNumber(group.count, lang)}</td>
              <td className="px-2 py-1 text-right">{formatNumber(group.users, lang)}</td>
              <td className="whitespace-nowrap px-2 py-1">{date.format(new Date(group.first_seen))}</td>
              <td className="whitespace-nowrap px-2 py-1">{date.format(new Date(group.last_seen))}</td>
              <td className="px-2 py-1">
                <Sparkline
                  values={group.trend}
                  color={color}
                  label={`${formatNumber(group.count, lang)} occurrences over ${group.trend.length} ${result.interval}s`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
