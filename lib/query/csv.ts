// Any query result as CSV: one header row, then the numbers as the widgets show them. Shared by the
// dashboard's in-browser export and the embed's download endpoint.
import { type QueryResult, VITAL_METRICS } from "./results";

function cell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  // Text that a spreadsheet would run as a formula (paths, referrers and properties come from visitors).
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultToCsv(result: QueryResult): string {
  const rows: unknown[][] = [];
  switch (result.kind) {
    case "trend": {
      const names = result.series.map((s) => (s.other ? "Other" : (s.key ?? "value")));
      const previous = result.previous?.series ?? [];
      rows.push(["bucket", ...names, ...previous.map((_, i) => `${names[i]} (previous period)`)]);
      for (const [i, b] of result.buckets.entries())
        rows.push([b.label, ...result.series.map((s) => s.values[i]), ...previous.map((s) => s.values[i])]);
      break;
    }
    case "metric":
      rows.push(
        ["value", "previous", "change", "change_unit"],
        [result.value, result.previous, result.change, result.change_unit],
      );
      break;
    case "breakdown":
      rows.push([result.dimension, "value"], ...result.rows.map((r) => [r.value ?? "(none)", r.measure]));
      if (result.other !== null) rows.push(["Other", result.other]);
      break;
    case "funnel":
      rows.push(
        ["step", "event", "count", "conversion_from_first", "drop_off"],
        ...result.steps.map((s) => [s.index + 1, s.event, s.count, s.conversion_from_first, s.drop_off]),
      );
      break;
    case "retention":
      rows.push(
        ["cohort", "size", ...(result.cohorts[0]?.counts.map((_, k) => `${result.period}_${k}`) ?? [])],
        ...result.cohorts.map((c) => [c.label, c.size, ...c.counts]),
      );
      break;
    case "vitals": {
      const columns = ["samples", "p50", "p75", "p95", "good", "needs_improvement", "poor"] as const;
      rows.push([
        result.group_by ?? "group",
        "page_loads",
        ...VITAL_METRICS.flatMap((metric) => columns.map((column) => `${metric}_${column}`)),
      ]);
      for (const row of result.rows)
        rows.push([
          row.value ?? (result.group_by ? "(none)" : "all"),
          row.samples,
          ...VITAL_METRICS.flatMap((metric) => columns.map((column) => row.metrics[metric]?.[column] ?? null)),
        ]);
      break;
    }
    case "errors":
      rows.push(
        ["fingerprint", "message", "kind", "top_frame", "count", "users", "first_seen", "last_seen"],
        ...result.groups.map((g) => [
          g.fingerprint,
          g.message,
          g.kind,
          g.top_frame,
          g.count,
          g.users,
          g.first_seen,
          g.last_seen,
        ]),
      );
      break;
  }
  return `${rows.map((r) => r.map(cell).join(",")).join("\n")}\n`;
}

/** A safe download file name from a title: "Sign-ups by week" -> "sign-ups-by-week.csv". */
export function csvFileName(title: string): string {
  return `${
    title
      .replace(/[^\w-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .toLowerCase() || "data"
  }.csv`;
}
