// CSV export of any table or series the dashboard shows.
import type { QueryResult } from "@/lib/query/results";

function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultToCsv(result: QueryResult): string {
  const rows: unknown[][] = [];
  switch (result.kind) {
    case "trend":
      rows.push(["bucket", ...result.series.map((s) => (s.other ? "Other" : (s.key ?? "value")))]);
      result.buckets.forEach((b, i) => rows.push([b.label, ...result.series.map((s) => s.values[i])]));
      break;
    case "metric":
      rows.push(["value", "previous", "change"], [result.value, result.previous, result.change]);
      break;
    case "breakdown":
      rows.push([result.dimension, "value"], ...result.rows.map((r) => [r.value ?? "(none)", r.measure]));
      if (result.other !== null) rows.push(["Other", result.other]);
      break;
    case "funnel":
      rows.push(["step", "event", "count", "conversion_from_first", "drop_off"], ...result.steps.map((s) => [s.index + 1, s.event, s.count, s.conversion_from_first, s.drop_off]));
      break;
    case "retention":
      rows.push(["cohort", "size", ...(result.cohorts[0]?.counts.map((_, k) => `${result.period}_${k}`) ?? [])], ...result.cohorts.map((c) => [c.label, c.size, ...c.counts]));
      break;
  }
  return rows.map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

export function downloadCsv(result: QueryResult, name: string): void {
  const url = URL.createObjectURL(new Blob([resultToCsv(result)], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: `${name.replace(/[^\w-]+/g, "-").toLowerCase()}.csv` });
  link.click();
  URL.revokeObjectURL(url);
}
