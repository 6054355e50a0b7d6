// Overview benchmark: times the project overview exactly as the dashboard sends it (the panels of
// lib/query/overview.ts, which components/dashboard/project-overview.tsx renders), all panels fired
// together as a browser does, unfiltered and with the drill-down filters an analyst clicks. Runs
// against the data set bench/query.ts loads (run that first). Prints each panel's p50/p95, the
// whole overview's wall time, and failures (a dry connection pool answers 503). See bench/README.md.
//
//   npx tsx --conditions=react-server bench/overview.ts [--runs 10] [--warmup 1] [--org bench-query] [--only VIEW] [--explain PANEL] [--json]
import { parseArgs } from "node:util";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase, getPool, getReportPool } from "../lib/db/client";
import { overviewRequests } from "../lib/query/overview";
import { refreshRollups } from "../lib/query/rollup-refresh";
import { runQuery } from "../lib/query/run-query";
import { type Filter, queryDefinitionSchema } from "../lib/query/schemas";
import type { ViewState } from "../lib/query/view-state";
import { explainStatements, installCapture } from "./query-explain";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    warmup: { type: "string", default: "1" },
    org: { type: "string", default: "bench-query" },
    only: { type: "string", multiple: true },
    explain: { type: "string", multiple: true },
    json: { type: "boolean", default: false },
  },
});
const runs = Number(flags.runs);
const warmup = Number(flags.warmup);
const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });

/** The views timed: no filter, then what clicking a row of each kind of panel (or two) adds. */
const VIEWS: { name: string; filters: Filter[] }[] = [
  { name: "no filter", filters: [] },
  { name: "page", filters: [{ field: "path", op: "equals", value: "/pricing" }] },
  { name: "referrer", filters: [{ field: "referrer", op: "equals", value: "google.com" }] },
  { name: "country", filters: [{ field: "country", op: "equals", value: "US" }] },
  { name: "device", filters: [{ field: "device", op: "equals", value: "mobile" }] },
  {
    name: "page + device",
    filters: [
      { field: "path", op: "equals", value: "/pricing" },
      { field: "device", op: "equals", value: "mobile" },
    ],
  },
  { name: "event", filters: [{ field: "event", op: "equals", value: "signup" }] },
  { name: "property", filters: [{ field: "properties.plan", op: "equals", value: "pro" }] },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

interface PanelTiming {
  ms: number[];
  failures: string[];
  rollups: boolean;
}

async function main(): Promise<number> {
  await bootstrapDatabase();
  const pool = getPool();
  const { rows } = await pool.query<{ organization_id: string; project_id: string }>(
    "SELECT p.organization_id, p.id AS project_id FROM projects p JOIN organizations o ON o.id = p.organization_id WHERE o.slug = $1 AND p.name = 'Query benchmark'",
    [flags.org],
  );
  const ws = rows[0];
  if (!ws) {
    log(`No benchmark project in organization ${flags.org}: run bench/query.ts first.`);
    return 1;
  }
  const refreshStarted = performance.now();
  for (;;) {
    const result = await refreshRollups(pool);
    if (result.skipped) {
      log("another process holds the refresh lock (is a Lumen server running on this database?)");
      return 1;
    }
    const { rows: lag } = await pool.query<{ behind: boolean }>(
      "SELECT (SELECT watermark FROM session_state) < (SELECT watermark FROM rollup_state) AS behind",
    );
    if (result.rowsWritten === 0 && !lag[0]?.behind) break;
  }
  log(`Refresh (rollups and sessions) caught up in ${fmt(performance.now() - refreshStarted)} ms`);
  await pool.query("VACUUM (ANALYZE) session_fragments");
  await pool.query("VACUUM (ANALYZE) session_counts");

  const now = new Date();
  const results: { view: string; wall: number[]; panels: Map<string, PanelTiming> }[] = [];
  for (const view of VIEWS.filter((v) => !flags.only?.length || flags.only.some((o) => v.name.includes(o)))) {
    const state: ViewState = { range: { relative: "last_30_days" }, filters: view.filters };
    const requests = overviewRequests(state).map((r) => ({ ...r, query: queryDefinitionSchema.parse(r.query) }));
    const panels = new Map<string, PanelTiming>(
      requests.map((r) => [r.title, { ms: [], failures: [], rollups: false }]),
    );
    const wall: number[] = [];
    for (let run = 0; run < warmup + runs; run++) {
      const started = performance.now();
      const timings = await Promise.all(
        requests.map(async (r) => {
          const t = performance.now();
          try {
            const answer = await runQuery({
              organizationId: ws.organization_id,
              projectId: ws.project_id,
              query: r.query,
              range: r.range,
              now,
            });
            return { title: r.title, ms: performance.now() - t, rollups: answer.meta.rollups, failure: null };
          } catch (error) {
            return {
              title: r.title,
              ms: performance.now() - t,
              rollups: false,
              failure: error instanceof Error ? error.message : String(error),
            };
          }
        }),
      );
      if (run < warmup) continue;
      wall.push(performance.now() - started);
      for (const t of timings) {
        const panel = panels.get(t.title)!;
        panel.ms.push(t.ms);
        panel.rollups = t.rollups;
        if (t.failure) panel.failures.push(t.failure);
      }
    }
    wall.sort((a, b) => a - b);
    for (const p of panels.values()) p.ms.sort((a, b) => a - b);
    results.push({ view: view.name, wall, panels });
    const slowest = [...panels.entries()].sort((a, b) => percentile(b[1].ms, 95) - percentile(a[1].ms, 95));
    console.log(
      `\n## ${view.name}: whole overview p50 ${fmt(percentile(wall, 50))} ms, p95 ${fmt(percentile(wall, 95))} ms (${runs} runs, ${requests.length} panels together)`,
    );
    for (const [title, p] of slowest) {
      const failures = p.failures.length ? `  FAILED ${p.failures.length}x: ${p.failures[0]}` : "";
      console.log(
        `  ${title.padEnd(28)} p50 ${fmt(percentile(p.ms, 50)).padStart(7)}  p95 ${fmt(percentile(p.ms, 95)).padStart(7)} ms  ${p.rollups ? "rollups" : "raw"}${failures}`,
      );
    }
  }
  // Diagnosis: EXPLAIN (ANALYZE, BUFFERS) of every statement the named panels send, one at a time.
  if (flags.explain?.length) {
    const capture = installCapture();
    for (const view of VIEWS.filter((v) => !flags.only?.length || flags.only.some((o) => v.name.includes(o)))) {
      const state: ViewState = { range: { relative: "last_30_days" }, filters: view.filters };
      for (const r of overviewRequests(state).filter((r) => flags.explain!.some((e) => r.title.includes(e)))) {
        const input = {
          organizationId: ws.organization_id,
          projectId: ws.project_id,
          query: queryDefinitionSchema.parse(r.query),
          range: r.range,
          now,
        };
        const { statements } = await capture.capture(() => runQuery(input));
        console.log(`\n### ${view.name} / ${r.title}`);
        for (const plan of await explainStatements(getReportPool(), statements)) console.log(plan);
      }
    }
  }
  if (flags.json) {
    console.log(
      JSON.stringify(
        results.map((r) => ({
          view: r.view,
          wall_p95: percentile(r.wall, 95),
          panels: Object.fromEntries(
            [...r.panels].map(([t, p]) => [
              t,
              { p50: percentile(p.ms, 50), p95: percentile(p.ms, 95), failures: p.failures.length, rollups: p.rollups },
            ]),
          ),
        })),
      ),
    );
  }
  return 0;
}

main()
  .then(async (code) => {
    await closeDatabase();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error);
    await closeDatabase();
    process.exit(1);
  });
