// The demo's download link: a small CSV file served as an attachment.
export function GET(): Response {
  return new Response("day,visitors\n2026-11-01,120\n2026-11-02,134\n", {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="report.csv"' },
  });
}
