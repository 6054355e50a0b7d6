// Query benchmark: loads (or reuses) a large demo event history for one project, folds it into the
// hourly rollups, then times each query kind with and without rollups. Run by hand; it prints
// numbers, it is not a test. See bench/README.md ("Query benchmark").
//
//   npx tsx --conditions=react-server bench/query.ts [--events 10000000] [--days 90] [--runs 20] [--org bench-query]
//                          [--warmup 1] [--refresh-every 0] [--only substr] [--explain] [--json]
import { writeFileSync } from "node:fs";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase, getPool } from "../lib/db/client";
import { copyFrom } from "../lib/db/copy-from";
import { ensureEventPartitions } from "../lib/db/partitions";
import { generateDemoEvents } from "../lib/demo/generate-events";
import { csvColumns, csvLine } from "../lib/ingest/event-csv";
import { refreshRollups } from "../lib/query/rollup-refresh";
import { runQuery } from "../lib/query/run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "../lib/query/schemas";
import { ensureOrganization, ensureProject } from "../lib/workspace/workspace";
import { explainStatements, installCapture } from "./query-explain";

const usage = `Usage: npx tsx --conditions=react-server bench/query.ts [options]

  --events N          events the project should hold (default 10000000); generated only if it holds fewer
  --days N            days of history to generate, ending today (default 90)
  --runs N            timed runs per query and source (default 20)
  --warmup N          untimed runs before the timed ones, per query and source (default 1)
  --org SLUG          organization slug of the benchmark workspace (default bench-query)
  --refresh-every N   also refresh rollups after every N events moved into events (in time
                      order, a day at a time), as the server's maintenance loop would during a
                      live load (default 0: once, after generating)
  --only TEXT         run only the query rows whose name contains TEXT (repeatable)
  --explain           after timing, EXPLAIN (ANALYZE, BUFFERS) every statement of each row once
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
        runs: { type: "string", default: "20" },
        warmup: { type: "string", default: "1" },
        org: { type: "string", default: "bench-query" },
        "refresh-every": { type: "string", default: "0" },
        only: { type: "string", multiple: true },
        explain: { type: "boolean", default: false },
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
};

const DAY_MS = 86_400_000;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms: number) => `${fmt(ms / 1000, 1)} s`;
const log = (line: string) => process.stderr.write(`${line}\n`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

// ---------------------------------------------------------------------------------------------
// Data set

interface Workspace {
  organizationId: string;
  projectId: string;
}

async function countEvents(ws: Workspace): Promise<number> {
  const { rows } = await getPool().query<{ n: string }>(
    "SELECT count(*) AS n FROM events WHERE organization_id = $1::uuid AND project_id = $2::uuid",
    [ws.organizationId, ws.projectId],
  );
  return Number(rows[0]!.n);
}

interface RefreshStats {
  calls: number;
  rowsWritten: number;
  ms: number;
}

/** Calls refreshRollups until a call writes nothing; returns the calls, rows and wall time. */
async function refreshUntilCaughtUp(): Promise<RefreshStats> {
  const started = performance.now();
  let calls = 0;
  let rowsWritten = 0;
  for (;;) {
    const callStarted = performance.now();
    const result = await refreshRollups(getPool());
    calls++;
    if (result.skipped)
      fail("another process holds the rollup refresh lock (is a Lumen server running on this database?)");
    rowsWritten += result.rowsWritten;
    log(
      `  refresh call ${calls}: ${fmt(result.rowsWritten)} rollup rows in ${seconds(performance.now() - callStarted)}`,
    );
    if (result.rowsWritten === 0) break;
    // The watermark stops just before now(): wait past it so the next call sees nothing new.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { calls, rowsWritten, ms: performance.now() - started };
}

interface GenerateStats {
  generated: number;
  stored: number;
  ms: number;
  refresh: RefreshStats;
}

// Live ingestion stores events in the order they arrive: close to time order, with received_at
// rising along it. The physical layout follows (index-only scans visit heap pages in order; the
// BRIN index on received_at that the rollup refresh and the rollups' raw tail use stays tight). The
// generator goes visitor by visitor across the whole history, so its events are first copied into
// a temporary staging table, then moved into events a day at a time in time order, each day in its own
// transaction (its received_at), event_keys claimed as the write path does.
const moveDaySql = `
WITH claimed AS (
  INSERT INTO event_keys (organization_id, project_id, event_id)
  SELECT organization_id, project_id, event_id FROM bench_arrivals WHERE "timestamp" >= $1 AND "timestamp" < $2
  ON CONFLICT DO NOTHING
  RETURNING event_id
)
INSERT INTO events (${csvColumns})
SELECT ${csvColumns} FROM bench_arrivals JOIN claimed USING (event_id)
WHERE "timestamp" >= $1 AND "timestamp" < $2
ORDER BY "timestamp"`;

async function generate(ws: Workspace, now: Date, target: number): Promise<GenerateStats> {
  const pool = getPool();
  await ensureEventPartitions(
    pool,
    new Date(now.getTime() - (options.days + 1) * DAY_MS),
    new Date(now.getTime() + 31 * DAY_MS),
  );
  const started = performance.now();
  const refresh: RefreshStats = { calls: 0, rowsWritten: 0, ms: 0 };
  let generated = 0;
  let stored = 0;
  const client = await pool.connect();
  try {
    await client.query("CREATE TEMP TABLE bench_arrivals (LIKE events INCLUDING DEFAULTS)");
    const seed = `bench-query:${options.org}`;
    let lastReport = { at: started, generated: 0 };
    function* csvChunks(): Generator<Buffer> {
      for (const chunk of generateDemoEvents({ seed, events: target, days: options.days, now })) {
        yield Buffer.from(chunk.map((row) => csvLine(ws.organizationId, ws.projectId, row)).join(""));
        generated += chunk.length;
        const t = performance.now();
        if (t - lastReport.at >= 5000) {
          const avgRate = (generated * 1000) / (t - started);
          log(
            `  generate: ${fmt(generated)} / ${fmt(target)} (${fmt((100 * generated) / target)}%)  ${fmt(avgRate)} rows/s, ETA ${duration(((target - generated) * 1000) / avgRate)}`,
          );
          lastReport = { at: t, generated };
        }
      }
    }
    await copyFrom(client, `COPY bench_arrivals (${csvColumns}) FROM STDIN WITH (FORMAT csv)`, csvChunks());
    await client.query('CREATE INDEX ON bench_arrivals ("timestamp")');
    const span = await client.query<{ first: Date | null; last: Date | null }>(
      'SELECT min("timestamp") AS first, max("timestamp") AS last FROM bench_arrivals',
    );
    const { first, last } = span.rows[0]!;
    let nextRefresh = options.refreshEvery || Infinity;
    const moveStarted = performance.now();
    for (
      let day = first ? Math.floor(first.getTime() / DAY_MS) * DAY_MS : Infinity;
      last && day <= last.getTime();
      day += DAY_MS
    ) {
      const moved = await client.query(moveDaySql, [new Date(day), new Date(day + DAY_MS)]);
      stored += moved.rowCount ?? 0;
      if (new Date(day).getUTCDate() === 1 || day + DAY_MS > last.getTime()) {
        log(
          `  arrive in time order: through ${new Date(day).toISOString().slice(0, 10)}, ${fmt(stored)} new events, ${fmt((stored * 1000) / (performance.now() - moveStarted))} rows/s`,
        );
      }
      if (stored >= nextRefresh) {
        const r = await refreshUntilCaughtUp();
        refresh.calls += r.calls;
        refresh.rowsWritten += r.rowsWritten;
        refresh.ms += r.ms;
        nextRefresh += options.refreshEvery;
      }
    }
    await client.query("DROP TABLE bench_arrivals");
  } finally {
    client.release();
  }
  return { generated, stored, ms: performance.now() - started - refresh.ms, refresh };
}

// ---------------------------------------------------------------------------------------------
// Queries

type Source = "rollups" | "raw";

interface QueryCase {
  name: string;
  query: QueryDefinitionInput;
  range: QueryRange;
  /** Sources to time: rollups (useRollups default) and/or raw (useRollups: false). */
  sources: Source[];
  /** p95 target in ms and the source it applies to. */
  target?: { source: Source; p95Ms: number };
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function cases(now: Date): QueryCase[] {
  const last30: QueryRange = { relative: "last_30_days" };
  const last90: QueryRange = { relative: "last_90_days" };
  // 8 whole weeks ending today (UTC project): bare dates are whole days, `to` inclusive.
  const weeks8: QueryRange = { from: isoDate(new Date(now.getTime() - 55 * DAY_MS)), to: isoDate(now) };
  return [
    {
      name: "trend count/day 30d",
      query: { kind: "trend", event: "pageview", interval: "day" },
      range: last30,
      sources: ["rollups", "raw"],
      target: { source: "rollups", p95Ms: 150 },
    },
    {
      name: "trend unique_users/day 30d",
      query: { kind: "trend", event: "pageview", interval: "day", measure: { type: "unique_users" } },
      range: last30,
      sources: ["rollups", "raw"],
      target: { source: "rollups", p95Ms: 150 },
    },
    {
      name: "metric count 30d +compare",
      query: { kind: "metric", event: "pageview", compare: true },
      range: last30,
      sources: ["rollups", "raw"],
      target: { source: "rollups", p95Ms: 150 },
    },
    {
      name: "metric unique_users 30d +compare",
      query: { kind: "metric", measure: { type: "unique_users" }, compare: true },
      range: last30,
      sources: ["rollups", "raw"],
      target: { source: "rollups", p95Ms: 150 },
    },
    {
      name: "breakdown path top10 30d",
      query: { kind: "breakdown", event: "pageview", dimension: "path", limit: 10 },
      range: last30,
      sources: ["rollups", "raw"],
      target: { source: "rollups", p95Ms: 150 },
    },
    {
      name: "funnel 3 steps 7d window 30d",
      query: {
        kind: "funnel",
        steps: [{ event: "pageview" }, { event: "signup" }, { event: "purchase" }],
        window: { value: 7, unit: "day" },
      },
      range: last30,
      sources: ["raw"],
      target: { source: "raw", p95Ms: 2000 },
    },
    {
      name: "retention weekly x8 90d",
      query: { kind: "retention", start_event: "pageview", return_event: "pageview", period: "week", periods: 8 },
      range: last90,
      sources: ["rollups", "raw"],
      target: { source: "raw", p95Ms: 2000 },
    },
    {
      name: "retention weekly x8 56d",
      query: { kind: "retention", start_event: "pageview", return_event: "pageview", period: "week", periods: 8 },
      range: weeks8,
      sources: ["rollups", "raw"],
      target: { source: "raw", p95Ms: 2000 },
    },
  ];
}

interface RowResult {
  name: string;
  kind: string;
  source: Source;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  /** meta.rollups of every timed run (all equal in practice; "mixed" otherwise). */
  rollups: boolean | "mixed";
  /** The server-side meta.took_ms p50, for comparison with the client-side timing. */
  tookP50: number;
  target: number | null;
  met: boolean | null;
}

async function timeCase(ws: Workspace, now: Date, c: QueryCase, source: Source) {
  const query = queryDefinitionSchema.parse(c.query);
  const input = {
    organizationId: ws.organizationId,
    projectId: ws.projectId,
    query,
    range: c.range,
    now,
    ...(source === "raw" ? { useRollups: false } : {}),
  };
  for (let i = 0; i < options.warmup; i++) await runQuery(input);
  const times: number[] = [];
  const took: number[] = [];
  const rollups = new Set<boolean>();
  let data: unknown;
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    const result = await runQuery(input);
    times.push(performance.now() - started);
    took.push(result.meta.took_ms);
    rollups.add(result.meta.rollups);
    data = result.data;
  }
  times.sort((a, b) => a - b);
  took.sort((a, b) => a - b);
  const target = c.target && c.target.source === source ? c.target.p95Ms : null;
  const p95 = percentile(times, 95);
  const row: RowResult = {
    name: c.name,
    kind: query.kind,
    source,
    runs: times.length,
    p50: percentile(times, 50),
    p95,
    max: times[times.length - 1]!,
    rollups: rollups.size === 1 ? [...rollups][0]! : "mixed",
    tookP50: percentile(took, 50),
    target,
    met: target === null ? null : p95 < target,
  };
  return { row, data };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTable(rows: RowResult[]): void {
  const header = ["query", "source", "runs", "p50 ms", "p95 ms", "max ms", "meta.rollups", "target", "met"];
  const body = rows.map((r) => [
    r.name,
    r.source,
    String(r.runs),
    fmt(r.p50, 1),
    fmt(r.p95, 1),
    fmt(r.max, 1),
    String(r.rollups),
    r.target === null ? "-" : `p95 < ${fmt(r.target)} ms`,
    r.met === null ? "-" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = new Set([2, 3, 4, 5]);
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, numeric.has(i))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
}

// ---------------------------------------------------------------------------------------------

async function settings(): Promise<Record<string, string>> {
  const { rows } = await getPool().query<{ name: string; setting: string; unit: string | null }>(
    "SELECT name, setting, unit FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'effective_cache_size', 'jit')",
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.name,
      r.unit === "8kB"
        ? `${(Number(r.setting) * 8) / 1024} MB`
        : r.unit === "kB"
          ? `${Number(r.setting) / 1024} MB`
          : r.setting,
    ]),
  );
}

async function sizes(): Promise<{ events: string; eventKeys: string; rollups: string; rollupRows: number }> {
  const { rows } = await getPool().query<{ events: string; event_keys: string; rollups: string; rollup_rows: string }>(
    `SELECT pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'events'::regclass)) AS events,
            pg_size_pretty(pg_total_relation_size('event_keys')) AS event_keys,
            pg_size_pretty(pg_total_relation_size('event_rollups')) AS rollups,
            (SELECT count(*) FROM event_rollups) AS rollup_rows`,
  );
  const r = rows[0]!;
  return { events: r.events, eventKeys: r.event_keys, rollups: r.rollups, rollupRows: Number(r.rollup_rows) };
}

async function main(): Promise<number> {
  const db = await bootstrapDatabase();
  try {
    const pool = getPool();
    const org = await ensureOrganization({ name: `Query benchmark (${options.org})`, slug: options.org });
    const project = await ensureProject(org.id, {
      name: "Query benchmark",
      timezone: "UTC",
      domain: "bench.lumen.local",
    });
    const ws: Workspace = { organizationId: org.id, projectId: project.id };
    const pg = await settings();
    console.log(`Query benchmark: org ${options.org}, project ${project.id}`);
    console.log(
      `PostgreSQL ${pg.server_version} (${db.embedded ? "embedded" : "DATABASE_URL"}): shared_buffers ${pg.shared_buffers}, work_mem ${pg.work_mem}, max_parallel_workers_per_gather ${pg.max_parallel_workers_per_gather}, jit ${pg.jit}`,
    );

    // 1. Data: reuse the project's events when it already holds enough.
    const startNow = new Date();
    let held = await countEvents(ws);
    let generation: GenerateStats | null = null;
    if (held >= options.events) {
      log(`Reusing ${fmt(held)} events already stored for this project (>= ${fmt(options.events)}).`);
    } else {
      log(
        `Generating ${fmt(options.events)} events over ${options.days} days (project holds ${fmt(held)}; event ids are deterministic, so rows already stored are skipped)...`,
      );
      generation = await generate(ws, startNow, options.events);
      held = await countEvents(ws);
      log(
        `Generated ${fmt(generation.generated)} events (${fmt(generation.stored)} new) in ${seconds(generation.ms)}: ${fmt((generation.generated * 1000) / generation.ms)} rows/s.`,
      );
    }

    // 2. Rollups: fold everything received so far, until a call writes nothing.
    log("Refreshing rollups...");
    const refresh = await refreshUntilCaughtUp();
    const refreshTotal = {
      calls: refresh.calls + (generation?.refresh.calls ?? 0),
      rowsWritten: refresh.rowsWritten + (generation?.refresh.rowsWritten ?? 0),
      ms: refresh.ms + (generation?.refresh.ms ?? 0),
    };
    log(
      `Rollup refresh: ${fmt(refreshTotal.rowsWritten)} rows written in ${refreshTotal.calls} calls, ${seconds(refreshTotal.ms)}.`,
    );

    // 3. Steady state: what autovacuum would reach after a bulk load (statistics, visibility map).
    const vacuumStarted = performance.now();
    await pool.query("VACUUM (ANALYZE) events");
    await pool.query("VACUUM (ANALYZE) event_rollups");
    const vacuumMs = performance.now() - vacuumStarted;
    log(`VACUUM (ANALYZE) events, event_rollups: ${seconds(vacuumMs)}.`);

    const span = await pool.query<{ first: Date; last: Date }>(
      "SELECT min(timestamp) AS first, max(timestamp) AS last FROM events WHERE organization_id = $1::uuid AND project_id = $2::uuid",
      [ws.organizationId, ws.projectId],
    );
    const size = await sizes();
    console.log(
      `Events: ${fmt(held)} for this project, ${span.rows[0]!.first?.toISOString() ?? "-"} .. ${span.rows[0]!.last?.toISOString() ?? "-"}`,
    );
    console.log(
      `Sizes: events ${size.events} (all projects, with indexes), event_keys ${size.eventKeys}, event_rollups ${size.rollups} (${fmt(size.rollupRows)} rows)`,
    );
    if (generation) {
      console.log(
        `Generation: ${fmt(generation.generated)} events (${fmt(generation.stored)} new) in ${seconds(generation.ms)}, ${fmt((generation.generated * 1000) / generation.ms)} rows/s`,
      );
    }
    console.log(
      `Rollup refresh: ${seconds(refreshTotal.ms)} for ${fmt(refreshTotal.rowsWritten)} rollup rows in ${refreshTotal.calls} calls${options.refreshEvery ? ` (every ${fmt(options.refreshEvery)} events during generation, then once more)` : ""}; VACUUM ANALYZE ${seconds(vacuumMs)}`,
    );

    // 4. Queries.
    const now = new Date();
    const selected = cases(now).filter(
      (c) => options.only.length === 0 || options.only.some((o) => c.name.includes(o)),
    );
    const rows: RowResult[] = [];
    const answers = new Map<string, Partial<Record<Source, unknown>>>();
    for (const c of selected) {
      for (const source of c.sources) {
        log(`Timing ${c.name} (${source}), ${options.warmup} warm-up + ${options.runs} runs...`);
        const { row, data } = await timeCase(ws, now, c, source);
        rows.push(row);
        answers.set(c.name, { ...answers.get(c.name), [source]: data });
        log(
          `  p50 ${fmt(row.p50, 1)} ms, p95 ${fmt(row.p95, 1)} ms, max ${fmt(row.max, 1)} ms, meta.rollups ${row.rollups}`,
        );
      }
    }

    console.log(
      `\nQuery timings (${options.runs} runs each after ${options.warmup} warm-up, ms from performance.now() around runQuery; now = ${now.toISOString()}, time zone UTC)\n`,
    );
    printTable(rows);

    const mismatches = [...answers]
      .filter(([, a]) => a.rollups !== undefined && a.raw !== undefined && !isDeepStrictEqual(a.rollups, a.raw))
      .map(([name]) => name);
    const compared = [...answers].filter(([, a]) => a.rollups !== undefined && a.raw !== undefined).length;
    if (compared)
      console.log(
        `\nRollup answers equal raw answers: ${mismatches.length ? `NO for ${mismatches.join(", ")}` : `yes (${compared} of ${compared} queries)`}`,
      );
    const notRolled = rows.filter((r) => r.source === "rollups" && r.rollups !== true);
    if (notRolled.length) console.log(`WARNING: rollups did not answer ${notRolled.map((r) => r.name).join(", ")}`);

    console.log("\nTargets:");
    for (const r of rows.filter((x) => x.target !== null)) {
      console.log(
        `  ${r.met ? "met    " : "MISSED "} ${r.name} (${r.source}): p95 ${fmt(r.p95, 1)} ms, target < ${fmt(r.target!)} ms`,
      );
    }

    // 5. Optional: EXPLAIN (ANALYZE, BUFFERS) of every statement of each row, for diagnosis.
    if (flags.explain) {
      const out: string[] = [];
      const capture = installCapture();
      for (const c of selected) {
        for (const source of c.sources) {
          const query = queryDefinitionSchema.parse(c.query);
          const { statements } = await capture.capture(() =>
            runQuery({
              organizationId: ws.organizationId,
              projectId: ws.projectId,
              query,
              range: c.range,
              now,
              ...(source === "raw" ? { useRollups: false } : {}),
            }),
          );
          out.push(`\n==== ${c.name} (${source}): ${statements.length} statements ====`);
          out.push(...(await explainStatements(pool, statements)));
        }
      }
      if (flags["explain-out"]) {
        writeFileSync(flags["explain-out"], `${out.join("\n")}\n`);
        console.log(`\nEXPLAIN output written to ${flags["explain-out"]}`);
      } else {
        console.log(out.join("\n"));
      }
    }

    if (flags.json) {
      console.log(
        JSON.stringify({
          events: held,
          days: options.days,
          runs: options.runs,
          generation: generation && {
            generated: generation.generated,
            stored: generation.stored,
            ms: Math.round(generation.ms),
            rows_per_s: Math.round((generation.generated * 1000) / generation.ms),
          },
          rollup_refresh: {
            ms: Math.round(refreshTotal.ms),
            calls: refreshTotal.calls,
            rows_written: refreshTotal.rowsWritten,
          },
          sizes: size,
          settings: pg,
          rows,
        }),
      );
    }
    return rows.some((r) => r.met === false) ? 3 : 0;
  } finally {
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
