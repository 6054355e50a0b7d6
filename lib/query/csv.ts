// Any query result as CSV: one header row, then the numbers as the widgets show them. Shared by the
// dashboard's in-browser export and the embed's download endpoint.
import { type QueryResult, VITAL_METRICS } from "./results";
import { dimensionLabel, dimensionValueLabel, INTERVAL_LABELS, missingValueLabel } from "./vocabulary";

function cell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  // Text that a spreadsheet would run as a formula (paths, referrers and properties come from visitors).
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Headers are for people opening the file, in the widgets' words ("Country", "Visitors", a trend's
 * series as "France"); cells keep the stored values ("FR"), so a sheet can be joined or filtered on
 * them, except the "no value" group, named as the widgets name it ("Direct / none").
 */
export function resultToCsv(result: QueryResult, options: { valueHeading?: string; locale?: string } = {}): string {
  const valueHeading = options.valueHeading ?? "Value";
  const rows: unknown[][] = [];
  switch (result.kind) {
    case "trend": {
      const dimension = result.dimension ?? "";
      const single = !result.dimension && result.series.length === 1;
      const names = result.series.map((s) =>
        s.other ? "Other" : single ? valueHeading : dimensionValueLabel(dimension, s.key, options.locale),
      );
      const previous = result.previous?.series ?? [];
      rows.push([
        INTERVAL_LABELS[result.interval],
        ...names,
        ...previous.map((_, i) => `${names[i]} (previous period)`),
      ]);
      for (const [i, b] of result.buckets.entries())
        rows.push([b.label, ...result.series.map((s) => s.values[i]), ...previous.map((s) => s.values[i])]);
      break;
    }
    case "metric":
      rows.push(
        [valueHeading, "Previous period", "Change", "Change unit"],
        [result.value, result.previous, result.change, result.change_unit],
      );
      break;
    case "breakdown":
      rows.push(
        [dimensionLabel(result.dimension), valueHeading],
        ...result.rows.map((r) => [r.value ?? missingValueLabel(result.dimension), r.measure]),
      );
      if (result.other !== null) rows.push(["Other", result.other]);
      break;
    case "funnel":
      rows.push(
        ["Step", "Name", "Event", "Users", "Conversion from first step", "Dropped off"],
        ...result.steps.map((s) => [s.index + 1, s.label, s.event, s.count, s.conversion_from_first, s.drop_off]),
      );
      break;
    case "retention": {
      const period = PERIOD_NOUNS[result.period];
      rows.push(
        ["Cohort", "Users", ...(result.cohorts[0]?.counts.map((_, k) => `${period} ${k}`) ?? [])],
        ...result.cohorts.map((c) => [c.label, c.size, ...c.counts]),
      );
      break;
    }
    case "vitals": {
      const columns = ["samples", "p50", "p75", "p95", "good", "needs_improvement", "poor"] as const;
      rows.push([
        result.group_by ? (VITALS_GROUP_HEADINGS[result.group_by] ?? result.group_by) : "Group",
        "Page loads",
        ...VITAL_METRICS.flatMap((metric) => columns.map((column) => `${metric}_${column}`)),
      ]);
      for (const row of result.rows)
        rows.push([
          row.value ?? (result.group_by ? "(none)" : "All"),
          row.samples,
          ...VITAL_METRICS.flatMap((metric) => columns.map((column) => row.metrics[metric]?.[column] ?? null)),
        ]);
      break;
    }
    case "errors":
      rows.push(
        ["Fingerprint", "Message", "Kind", "Top frame", "Errors", "Users", "First seen", "Last seen"],
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
    case "paths":
      rows.push(
        [
          "Position",
          "Type",
          "Page or event",
          "Sessions",
          result.mode === "start" ? "Ended here" : "Began here",
          "Step sessions",
        ],
        ...result.steps.flatMap((step) =>
          step.nodes.map((node) => [
            step.position,
            node.type,
            node.type === "other" ? "Other" : node.value,
            node.count,
            node.drop_off,
            step.count,
          ]),
        ),
      );
      break;
  }
  return `${rows.map((r) => r.map(cell).join(",")).join("\n")}\n`;
}

const PERIOD_NOUNS = { day: "Day", week: "Week" } as const;
const VITALS_GROUP_HEADINGS: Record<string, string> = { page: "Page", device: "Device", browser: "Browser" };

/** A safe download file name from a title: "Sign-ups by week" -> "sign-ups-by-week.csv". */
export function csvFileName(title: string): string {
  return `${
    title
      .replace(/[^\w-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .toLowerCase() || "data"
  }.csv`;
}
