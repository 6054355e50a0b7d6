// The query benchmarks' data set: one project of demo events (bench/query.ts generates it, the
// refresh benchmark rebuilds its rollups), loaded in arrival order, and the refresh run until every
// derived table has caught up with it. See bench/README.md.
import { loadavg } from "node:os";
import { getPool } from "../lib/db/client";
import { copyFrom } from "../lib/db/copy-from";
import { EMBEDDED_SERVER_SETTINGS } from "../lib/db/embedded";
import { ensureEventPartitions } from "../lib/db/partitions";
import { generateDemoEvents } from "../lib/demo/generate-events";
import { csvColumns, csvLine } from "../lib/ingest/event-csv";
import { refreshRollups } from "../lib/query/rollup-refresh";
import { ensureOrganization, ensureProject } from "../lib/workspace/workspace";

export const DAY_MS = 86_400_000;

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const seconds = (ms: number) => `${fmt(ms / 1000, 1)} s`;
export const log = (line: string) => process.stderr.write(`${line}\n`);

/** Nearest rank: the smallest value with at least p% of the (sorted) samples at or below it. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export interface Workspace {
  organizationId: string;
  projectId: string;
}

/** The benchmark organization's project (time zone UTC), created when missing. */
export async function benchWorkspace(org: string): Promise<Workspace> {
  const organization = await ensureOrganization({ name: `Query benchmark (${org})`, slug: org });
  const project = await ensureProject(organization.id, {
    name: "Query benchmark",
    timezone: "UTC",
    domain: "bench.lumen.local",
  });
  return { organizationId: organization.id, projectId: project.id };
}

export async function countEvents(ws: Workspace): Promise<number> {
  const { rows } = await getPool().query<{ n: string }>(
    "SELECT count(*) AS n FROM events WHERE organization_id = $1::uuid AND project_id = $2::uuid",
    [ws.organizationId, ws.projectId],
  );
  return Number(rows[0]!.n);
}

export interface RefreshStats {
  calls: number;
  rowsWritten: number;
  ms: number;
}

/** Whether the session rollups are behind the hourly rollups (each refresh has its own watermark). */
async function sessionsBehind(): Promise<boolean> {
  const { rows } = await getPool().query<{ behind: boolean }>(
    "SELECT (SELECT watermark FROM session_state) < (SELECT watermark FROM rollup_state) AS behind",
  );
  return rows[0]?.behind ?? false;
}

/**
 * Calls refreshRollups (hourly rollups, daily bitmaps, then session rollups) until a call writes
 * nothing and the session rollups have caught up; returns the calls, rollup rows and wall time.
 */
export async function refreshUntilCaughtUp(): Promise<RefreshStats> {
  const started = performance.now();
  let calls = 0;
  let rowsWritten = 0;
  for (;;) {
    const callStarted = performance.now();
    const result = await refreshRollups(getPool());
    calls++;
    if (result.skipped)
      throw new Error("another process holds the refresh lock (is a Lumen server running on this database?)");
    rowsWritten += result.rowsWritten;
    log(
      `  refresh call ${calls}: ${fmt(result.rowsWritten)} rollup rows in ${seconds(performance.now() - callStarted)}`,
    );
    if (result.rowsWritten === 0 && !(await sessionsBehind())) break;
    // The watermark stops just before now(): wait past it so the next call sees nothing new.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { calls, rowsWritten, ms: performance.now() - started };
}

export interface GenerateOptions {
  /** Events the project should hold. */
  events: number;
  days: number;
  /** Seeds the generator: the same organization always gets the same events. */
  org: string;
  /** Also refresh after every this many events moved into events (0: never during generation). */
  refreshEvery: number;
}

export interface GenerateStats {
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

export async function generate(ws: Workspace, now: Date, options: GenerateOptions): Promise<GenerateStats> {
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
    let lastReport = started;
    function* csvChunks(): Generator<Buffer> {
      for (const chunk of generateDemoEvents({ seed, events: options.events, days: options.days, now })) {
        yield Buffer.from(chunk.map((row) => csvLine(ws.organizationId, ws.projectId, row)).join(""));
        generated += chunk.length;
        const t = performance.now();
        if (t - lastReport >= 5000) {
          const avgRate = (generated * 1000) / (t - started);
          log(
            `  generate: ${fmt(generated)} / ${fmt(options.events)} (${fmt((100 * generated) / options.events)}%)  ${fmt(avgRate)} rows/s, ETA ${duration(((options.events - generated) * 1000) / avgRate)}`,
          );
          lastReport = t;
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

export async function serverSettings(): Promise<Record<string, string>> {
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

/**
 * The embedded server's settings (lib/db/embedded.ts) this server runs without, as "name: value
 * (embedded: value)": a data directory reused with a server started by hand (pg_ctl) keeps
 * PostgreSQL's defaults unless they are passed, and its numbers are not comparable.
 */
export async function settingsNotEmbedded(): Promise<string[]> {
  const expected = EMBEDDED_SERVER_SETTINGS.map((setting) => setting.split("=") as [string, string]);
  // A size is shown in the largest unit that divides it (8192MB as 8GB): sizes compare as bytes.
  const { rows } = await getPool().query<{ name: string; value: string; same: boolean }>(
    `SELECT s.name, current_setting(s.name) AS value,
            CASE WHEN s.embedded ~ '^[0-9]+ *[kMGT]B$' THEN pg_size_bytes(current_setting(s.name)) = pg_size_bytes(s.embedded)
                 ELSE lower(current_setting(s.name)) = lower(s.embedded) END AS same
     FROM unnest($1::text[], $2::text[]) AS s(name, embedded)`,
    [expected.map(([name]) => name), expected.map(([, value]) => value)],
  );
  const embedded = new Map(expected);
  return rows
    .filter((row) => !row.same)
    .map((row) => `${row.name}: ${row.value} (embedded: ${embedded.get(row.name)})`);
}

/** The machine's load averages (1, 5, 15 minutes), as `uptime` prints them: on a shared machine every number is read with them. */
export function loadAverage(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}`;
}
