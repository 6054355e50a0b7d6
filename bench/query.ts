// Query benchmark: loads (or reuses) a large demo event history for one project, refreshes its
// rollups, then times exactly what the app sends (bench/app-requests.ts): the overview with and
// without drill-down filters, report boards and embeds, each page's requests fired together.
// Run by hand; it prints numbers, it is not a test. See bench/README.md.
//
//   npx tsx --conditions=react-server bench/query.ts [--events 10000000] [--days 90] [--runs 10] [--org bench-query]
//                          [--warmup 1] [--refresh-every 0] [--only TEXT] [--compare] [--explain TEXT] [--json]
import { writeFileSync } from "node:fs";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase, getPool, getReportPool } from "../lib/db/client";
import { type AppView, answerAt, appViews } from "./app-requests";
import {
  benchWorkspace,
  countEvents,
  fmt,
  type GenerateStats,
  generate,
  loadAverage,
  log,
  percentile,
  refreshUntilCaughtUp,
  seconds,
  serverSettings,
  settingsNotEmbedded,
  type Workspace,
} from "./dataset";
import { explainStatements, installCapture } from "./query-explain";

const usage = `Usage: npx tsx --conditions=react-server bench/query.ts [options]

  --events N          events the project should hold (default 10000000); generated only if it holds fewer
  --days N            days of history to generate, ending today (default 90)
  --runs N            timed runs per view (default 10)
  --warmup N          untimed runs before the timed ones, per view (default 1)
  --org SLUG          organization slug of the benchmark workspace (default bench-query)
  --refresh-every N   also refresh rollups after every N events moved into events (in time
                      order, a day at a time), as the server's maintenance loop would during a
                      live load (default 0: once, after generating)
  --only TEXT         time only the views whose name contains TEXT (repeatable), e.g. "overview",
                      "overview: page", "report", "embed"
  --compare           also answer every query body once from raw events and check it equals the
                      rollups' answer (slow: raw answers take seconds each at 10M events)
  --explain TEXT      after timing, EXPLAIN (ANALYZE, BUFFERS) every statement of the requests whose
                      "view / title" contains TEXT (repeatable)
  --explain-out FILE  write the EXPLAIN output to FILE instead of stdout
  --json              also print the results as one JSON object on the last line

Database: $DATABASE_URL, else the embedded PostgreSQL in $LUMEN_DATA_DIR/pg on $LUMEN_PG_PORT.
`;

function fail(message: string): never {
  console.error(`bench:query: ${message}`);
  process.exit(1);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        events: { type: "string", default: "10000000" },
        days: { type: "string", default: "90" },
        runs: { type: "string", default: "10" },
        warmup: { type: "string", default: "1" },
        org: { type: "string", default: "bench-query" },
        "refresh-every": { type: "string", default: "0" },
        only: { type: "string", multiple: true },
        compare: { type: "boolean", default: false },
        explain: { type: "string", multiple: true },
        "explain-out": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
})();

if (flags.help) {
  console.log(usage);
  process.exit(0);
}

function integer(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

const options = {
  events: integer("events", flags.events, 1),
  days: integer("days", flags.days, 1, 3650),
  runs: integer("runs", flags.runs, 1),
  warmup: integer("warmup", flags.warmup, 0),
  refreshEvery: integer("refresh-every", flags["refresh-every"], 0),
  org: flags.org,
  only: flags.only ?? [],
  explain: flags.explain ?? [],
};

// ---------------------------------------------------------------------------------------------
// Timing a view: its requests fired together, as a browser fires them, each timed on its own.

interface RequestResult {
  title: string;
  /** Sorted ms of the timed runs that answered. */
  ms: number[];
  failures: string[];
  /** meta.rollups of the answers: true, false, "mixed", or null when the route does not say. */
  rollups: boolean | "mixed" | null;
}

interface ViewResult {
  view: AppView;
  /** Sorted wall times, from firing the first request to the last answer. */
  wall: number[];
  requests: RequestResult[];
  met: boolean;
}

async function timeView(view: AppView): Promise<ViewResult> {
  const requests: RequestResult[] = view.requests.map((r) => ({
    title: r.title,
    ms: [],
    failures: [],
    rollups: null,
  }));
  const seen = requests.map(() => new Set<boolean | null>());
  const wall: number[] = [];
  for (let run = 0; run < options.warmup + options.runs; run++) {
    const started = performance.now();
    const answers = await Promise.all(
      view.requests.map(async (r) => {
        const t = performance.now();
        try {
          const { rollups } = await r.send();
          return { ms: performance.now() - t, rollups, failure: null };
        } catch (error) {
          return { ms: performance.now() - t, rollups: null, failure: String(error) };
        }
      }),
    );
    if (run < options.warmup) continue;
    wall.push(performance.now() - started);
    answers.forEach((a, i) => {
      const result = requests[i]!;
      if (a.failure) result.failures.push(a.failure);
      else {
        result.ms.push(a.ms);
        seen[i]!.add(a.rollups);
      }
    });
  }
  wall.sort((a, b) => a - b);
  requests.forEach((r, i) => {
    r.ms.sort((a, b) => a - b);
    r.rollups = seen[i]!.size === 1 ? [...seen[i]!][0]! : seen[i]!.size > 1 ? "mixed" : null;
  });
  const { requestP95Ms, wholeP95Ms } = view.target;
  const met =
    requests.every((r) => r.failures.length === 0) &&
    percentile(wall, 95) < wholeP95Ms &&
    (requestP95Ms === null || requests.every((r) => percentile(r.ms, 95) < requestP95Ms));
  return { view, wall, requests, met };
}

const source = (rollups: RequestResult["rollups"]) =>
  rollups === null ? "" : rollups === "mixed" ? "mixed" : rollups ? "rollups" : "raw";

function printView(result: ViewResult): void {
  const { view, wall, requests } = result;
  const failed = requests.reduce((n, r) => n + r.failures.length, 0);
  const only = requests.length === 1 ? requests[0]! : null;
  console.log(
    `\n## ${view.name}: whole p50 ${fmt(percentile(wall, 50))} ms, p95 ${fmt(percentile(wall, 95))} ms (${options.runs} runs, ${only ? `one request${only.rollups === null ? "" : `, ${source(only.rollups)}`}` : `${requests.length} requests together`})${failed ? `, ${failed} failed` : ""}  [${loadAverage()}]`,
  );
  if (only && !only.failures.length) return;
  const slowest = [...requests].sort((a, b) => percentile(b.ms, 95) - percentile(a.ms, 95));
  for (const r of slowest) {
    const failures = r.failures.length ? `  FAILED ${r.failures.length}x: ${r.failures[0]}` : "";
    console.log(
      `  ${r.title.padEnd(28)} p50 ${fmt(percentile(r.ms, 50)).padStart(7)}  p95 ${fmt(percentile(r.ms, 95)).padStart(7)} ms  ${source(r.rollups)}${failures}`,
    );
  }
}

function printSummary(results: ViewResult[]): void {
  const header = ["view", "whole p50", "whole p95", "slowest request p95", "raw", "failed", "target", "met"];
  const body = results.map(({ view, wall, requests, met }) => {
    const slowest = requests.reduce((a, b) => (percentile(b.ms, 95) > percentile(a.ms, 95) ? b : a));
    const { requestP95Ms, wholeP95Ms } = view.target;
    return [
      view.name,
      fmt(percentile(wall, 50)),
      fmt(percentile(wall, 95)),
      requests.length > 1 ? `${fmt(percentile(slowest.ms, 95))} (${slowest.title})` : "-",
      requests.some((r) => r.rollups !== null) ? String(requests.filter((r) => r.rollups === false).length) : "-",
      String(requests.reduce((n, r) => n + r.failures.length, 0)),
      `${requestP95Ms === null ? "" : `each < ${fmt(requestP95Ms)}, `}whole < ${fmt(wholeP95Ms)}`,
      met ? "yes" : "NO",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = new Set([1, 2, 4, 5]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  console.log(
    `\nSummary (ms, p50/p95 by nearest rank over ${options.runs} runs; raw: requests not answered from rollups)\n`,
  );
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}

// ---------------------------------------------------------------------------------------------

interface Comparison {
  title: string;
  rawMs: number;
  equal: boolean;
}

/** Every distinct query body answered once with rollups and once from raw events, at one `now`. */
async function compareWithRaw(ws: Workspace, results: ViewResult[]): Promise<Comparison[]> {
  const now = new Date();
  const done = new Map<string, Comparison>();
  for (const { view } of results) {
    for (const r of view.requests) {
      if (!r.body) continue;
      const key = JSON.stringify(r.body);
      if (done.has(key)) continue;
      const title = `${view.name} / ${r.title}`;
      log(`Comparing with raw: ${title}...`);
      const rolled = await answerAt(ws, r.body, now, true);
      const started = performance.now();
      const raw = await answerAt(ws, r.body, now, false);
      done.set(key, { title, rawMs: performance.now() - started, equal: isDeepStrictEqual(rolled, raw) });
    }
  }
  return [...done.values()];
}

async function explain(results: ViewResult[]): Promise<string[]> {
  const out: string[] = [];
  const capture = installCapture();
  for (const { view } of results) {
    for (const r of view.requests) {
      const title = `${view.name} / ${r.title}`;
      if (!options.explain.some((e) => title.includes(e))) continue;
      const { statements } = await capture.capture(() => r.send());
      out.push(`\n==== ${title}: ${statements.length} statements ====`);
      out.push(...(await explainStatements(getReportPool(), statements)));
    }
  }
  return out;
}

async function main(): Promise<number> {
  const db = await bootstrapDatabase();
  let cleanUp = async () => {};
  try {
    const pool = getPool();
    const ws = await benchWorkspace(options.org);
    const pg = await serverSettings();
    console.log(`Query benchmark: org ${options.org}, project ${ws.projectId}; ${loadAverage()}`);
    console.log(
      `PostgreSQL ${pg.server_version} (${db.embedded ? "embedded" : "DATABASE_URL"}): shared_buffers ${pg.shared_buffers}, work_mem ${pg.work_mem}, max_parallel_workers_per_gather ${pg.max_parallel_workers_per_gather}, jit ${pg.jit}`,
    );
    const unlike = db.embedded ? await settingsNotEmbedded() : [];
    if (unlike.length > 0)
      console.log(
        `WARNING: this server was not started with the embedded server's settings (${unlike.join("; ")}): start it with them (lib/db/embedded.ts) or the numbers are not comparable.`,
      );

    // 1. Data: reuse the project's events when it already holds enough.
    const heldBefore = await countEvents(ws);
    let held = heldBefore;
    let generation: GenerateStats | null = null;
    if (held >= options.events) {
      log(`Reusing ${fmt(held)} events already stored for this project (>= ${fmt(options.events)}).`);
    } else {
      log(
        `Generating ${fmt(options.events)} events over ${options.days} days (project holds ${fmt(held)}; event ids are deterministic, so rows already stored are skipped)...`,
      );
      generation = await generate(ws, new Date(), options);
      held = await countEvents(ws);
      console.log(
        `Generation: ${fmt(generation.generated)} events (${fmt(generation.stored)} new) in ${seconds(generation.ms)}, ${fmt((generation.generated * 1000) / generation.ms)} rows/s`,
      );
    }

    // 2. Rollups, bitmaps and session rollups: fold everything received so far.
    log("Refreshing rollups...");
    const refresh = await refreshUntilCaughtUp();
    const refreshTotal = {
      calls: refresh.calls + (generation?.refresh.calls ?? 0),
      rowsWritten: refresh.rowsWritten + (generation?.refresh.rowsWritten ?? 0),
      ms: refresh.ms + (generation?.refresh.ms ?? 0),
    };
    console.log(
      `Refresh: ${seconds(refreshTotal.ms)} for ${fmt(refreshTotal.rowsWritten)} rollup rows in ${refreshTotal.calls} calls${generation && heldBefore === 0 && !options.refreshEvery ? " (a backfill: all of it just generated)" : ""}${options.refreshEvery ? ` (every ${fmt(options.refreshEvery)} events during generation, then once more)` : ""}; ${loadAverage()}`,
    );

    // 3. Steady state: what autovacuum reaches after a bulk load (statistics, visibility map, BRIN
    // summaries), for every table, so plans are stable between runs.
    const vacuumStarted = performance.now();
    await pool.query("VACUUM (ANALYZE)");
    console.log(`VACUUM (ANALYZE): ${seconds(performance.now() - vacuumStarted)}`);
    const span = await pool.query<{ first: Date; last: Date }>(
      "SELECT min(timestamp) AS first, max(timestamp) AS last FROM events WHERE organization_id = $1::uuid AND project_id = $2::uuid",
      [ws.organizationId, ws.projectId],
    );
    console.log(
      `Events: ${fmt(held)} for this project, ${span.rows[0]!.first?.toISOString() ?? "-"} .. ${span.rows[0]!.last?.toISOString() ?? "-"}`,
    );

    // 4. What the app sends.
    const prepared = await appViews(ws, options.org);
    cleanUp = prepared.cleanUp;
    // Its goals were just made; an analyst's exist before they open the overview: the refresh
    // builds their bitmaps (lib/query/goal-bitmaps-refresh.ts) from every event up to its watermark.
    const goalsStarted = performance.now();
    await refreshUntilCaughtUp();
    console.log(`Goal bitmaps built: ${seconds(performance.now() - goalsStarted)}; ${loadAverage()}`);
    const selected = prepared.views.filter(
      (v) => options.only.length === 0 || options.only.some((o) => v.name.includes(o)),
    );
    if (selected.length === 0) fail(`no view matches --only ${options.only.join(", ")}`);
    const results: ViewResult[] = [];
    for (const view of selected) {
      log(`Timing ${view.name}, ${options.warmup} warm-up + ${options.runs} runs...`);
      const result = await timeView(view);
      results.push(result);
      printView(result);
    }
    printSummary(results);

    const comparisons = flags.compare ? await compareWithRaw(ws, results) : [];
    if (comparisons.length) {
      const unequal = comparisons.filter((c) => !c.equal);
      console.log(
        `\nRollup answers equal raw answers: ${unequal.length ? `NO for ${unequal.map((c) => c.title).join(", ")}` : `yes (${comparisons.length} of ${comparisons.length} distinct queries)`}`,
      );
      for (const c of comparisons) console.log(`  raw ${fmt(c.rawMs).padStart(7)} ms  ${c.title}`);
    }

    if (options.explain.length) {
      const out = await explain(results);
      if (flags["explain-out"]) {
        writeFileSync(flags["explain-out"], `${out.join("\n")}\n`);
        console.log(`\nEXPLAIN output written to ${flags["explain-out"]}`);
      } else console.log(out.join("\n"));
    }

    if (flags.json) {
      console.log(
        JSON.stringify({
          events: held,
          runs: options.runs,
          refresh: {
            ms: Math.round(refreshTotal.ms),
            calls: refreshTotal.calls,
            rows_written: refreshTotal.rowsWritten,
          },
          settings: pg,
          views: results.map((r) => ({
            view: r.view.name,
            wall_p50: percentile(r.wall, 50),
            wall_p95: percentile(r.wall, 95),
            met: r.met,
            requests: r.requests.map((q) => ({
              title: q.title,
              p50: percentile(q.ms, 50),
              p95: percentile(q.ms, 95),
              failures: q.failures.length,
              rollups: q.rollups,
            })),
          })),
          comparisons,
        }),
      );
    }
    return results.some((r) => !r.met) || comparisons.some((c) => !c.equal) ? 3 : 0;
  } finally {
    await cleanUp();
    await closeDatabase();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:query: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
