// CSV export of any table or series the dashboard shows, built in the browser.
import { csvFileName, resultToCsv } from "@/lib/query/csv";
import type { QueryResult } from "@/lib/query/results";

export function downloadCsv(result: QueryResult, name: string, valueHeading?: string): void {
  const csv = resultToCsv(result, { valueHeading, locale: navigator.language });
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: csvFileName(name) });
  link.click();
  URL.revokeObjectURL(url);
}
