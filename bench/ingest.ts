// Ingestion benchmark: POST /api/v1/events against a running server, compared with COPY into the
// same table. Run by hand; it prints numbers, it is not a test. See bench/README.md.
//
//   npm run bench:ingest -- [--url http://127.0.0.1:3000] [--key lmw_...] [--events 200000]
//                           [--batch 100] [--concurrency 4] [--warmup 50] [--database-url postgresql://...]
//                           [--skip-copy] [--json]
//   npm run bench:ingest -- --rate 2800 --duration 600 [--project-id UUID]   (refresh lag at a fixed rate)
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { copyFrom } from "../lib/db/copy-from";
import { type Post, rateSummary, runAtRate } from "./ingest-rate";
import { type BenchBatch, generateBatch } from "./payloads";
import { cpuSeconds, machineCpu, parentPid, pidListeningOn, treeCpuSeconds } from "./proc-stats";

const usage = `Usage: npm run bench:ingest -- [options]

  --url URL             server to benchmark (default http://127.0.0.1:3000)
  --key KEY             write key to send with; default: create a fresh organization, project and key
  --events N            events to send in the timed run (default 200000)
  --batch N             events per request (default 100, at most 1000)
  --concurrency N       concurrent clients, one request in flight each (default 4)
  --warmup N            untimed warm-up requests before the run (default 50)
  --database-url URL    the server's database, for the key, the row counts and COPY (default
                        $DATABASE_URL, else the embedded PostgreSQL on $LUMEN_PG_PORT or 54329)
  --skip-copy           do not run the COPY reference load
  --rate N              instead: send N events/s on schedule (an open loop) for --duration seconds and
                        sample how far the server's refresh watermarks lag behind, once a second
  --duration S          seconds of ingestion at --rate (default 600)
  --project-id UUID     write to this existing project (a key is made for it) instead of a fresh one,
                        e.g. the query benchmark's, so the refresh folds into a large project's rollups
  --json                also print the results as one JSON object on the last line
`;

function fail(message: string): never {
  console.error(`bench:ingest: ${message}`);
  process.exit(1);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: "string", default: "http://127.0.0.1:3000" },
        key: { type: "string" },
        events: { type: "string", default: "200000" },
        batch: { type: "string", default: "100" },
        concurrency: { type: "string", default: "4" },
        warmup: { type: "string", default: "50" },
        "database-url": { type: "string" },
        "skip-copy": { type: "boolean", default: false },
        rate: { type: "string" },
        duration: { type: "string", default: "600" },
        "project-id": { type: "string" },
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
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

const options = {
  url: new URL(flags.url),
  events: integer("events", flags.events, 1),
  batch: integer("batch", flags.batch, 1, 1000),
  concurrency: integer("concurrency", flags.concurrency, 1, 1024),
  warmup: integer("warmup", flags.warmup, 0),
  rate: flags.rate === undefined ? null : integer("rate", flags.rate, 1),
  duration: integer("duration", flags.duration, 1),
  databaseUrl:
    flags["database-url"] ??
    process.env.DATABASE_URL ??
    `postgresql://lumen:lumen@127.0.0.1:${process.env.LUMEN_PG_PORT || 54329}/lumen`,
};

// ---------------------------------------------------------------------------------------------
// Formatting

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const redactUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface CpuReport {
  machineBusyPercent: number | null;
  benchCores: number;
  /** Cores the server process and PostgreSQL (postmaster and all its backends) used; null when not found on this machine. */
  serverCores: number | null;
  databaseCores: number | null;
}

/** The server (by its listening port) and PostgreSQL (the parent of our own backend), when they run on this machine. */
const watched: { serverPid: number | null; postmasterPid: number | null } = { serverPid: null, postmasterPid: null };

function measureCpu(): () => CpuReport {
  const machine = machineCpu();
  const own = process.cpuUsage();
  const server = watched.serverPid === null ? null : cpuSeconds(watched.serverPid);
  const database = watched.postmasterPid === null ? null : treeCpuSeconds(watched.postmasterPid);
  const started = performance.now();
  return () => {
    const after = machineCpu();
    const used = process.cpuUsage(own);
    const wallUs = (performance.now() - started) * 1000;
    const serverAfter = watched.serverPid === null ? null : cpuSeconds(watched.serverPid);
    const databaseAfter = watched.postmasterPid === null ? null : treeCpuSeconds(watched.postmasterPid);
    return {
      machineBusyPercent:
        machine && after && after.total > machine.total
          ? (100 * (after.busy - machine.busy)) / (after.total - machine.total)
          : null,
      benchCores: (used.user + used.system) / wallUs,
      serverCores: server !== null && serverAfter !== null ? ((serverAfter - server) * 1e6) / wallUs : null,
      databaseCores: database !== null && databaseAfter !== null ? ((databaseAfter - database) * 1e6) / wallUs : null,
    };
  };
}

const cpuLine = (c: CpuReport) =>
  `machine ${c.machineBusyPercent === null ? "?" : `${fmt(c.machineBusyPercent)}%`} busy (all ${availableParallelism()} cores = 100%); server ${c.serverCores === null ? "?" : fmt(c.serverCores, 2)} cores, PostgreSQL ${c.databaseCores === null ? "?" : fmt(c.databaseCores, 2)} cores, this load generator ${fmt(c.benchCores, 2)} cores`;

/** The load averages as `uptime` prints them: on a shared machine every number is read with them. */
const loadLine = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}`;

// ---------------------------------------------------------------------------------------------
// HTTP: one keep-alive connection per client, so latency is the server's plus the loopback.

interface IngestReply {
  accepted: number;
  duplicates: number;
  bots: number;
  rejected: unknown[];
}

const transport = options.url.protocol === "https:" ? https : http;
const agent = new transport.Agent({ keepAlive: true, maxSockets: options.concurrency });
const endpoint = new URL("/api/v1/events", options.url);

function request(
  method: string,
  url: URL,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        agent,
        headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Prepared {
  /** The events array of each request, already serialised; sent_at is added at send time. */
  eventsJson: string[];
  userAgents: string[];
  eventCounts: number[];
}

function prepare(batches: BenchBatch[]): Prepared {
  return {
    eventsJson: batches.map((b) => JSON.stringify(b.events)),
    userAgents: batches.map((b) => b.userAgent),
    eventCounts: batches.map((b) => b.events.length),
  };
}

interface PhaseResult {
  wallMs: number;
  /** Sorted. */
  latencies: Float64Array;
  /** The slowest request: its latency and when it started, in ms from the start of the run. */
  slowest: { ms: number; atMs: number };
  accepted: number;
  duplicates: number;
  bots: number;
  rejected: number;
  cpu: CpuReport;
}

async function runRequests(work: Prepared, key: string, concurrency: number): Promise<PhaseResult> {
  const n = work.eventsJson.length;
  const latencies = new Float64Array(n);
  const startedAt = new Float64Array(n);
  let next = 0;
  let failure: Error | null = null;
  const totals = { accepted: 0, duplicates: 0, bots: 0, rejected: 0 };

  async function client(): Promise<void> {
    while (failure === null) {
      const i = next++;
      if (i >= n) return;
      const body = `{"sent_at":"${new Date().toISOString()}","events":${work.eventsJson[i]}}`;
      const started = performance.now();
      let res: { status: number; body: string };
      try {
        res = await request("POST", endpoint, body, {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "user-agent": work.userAgents[i]!,
          "x-forwarded-for": `198.51.100.${(i % 250) + 1}`,
        });
      } catch (error) {
        failure = new Error(`request ${i} failed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      latencies[i] = performance.now() - started;
      startedAt[i] = started;
      if (res.status !== 202) {
        const hint =
          res.status === 429
            ? " (rate limited: raise LUMEN_INGEST_RATE_LIMIT / LUMEN_INGEST_EVENT_RATE_LIMIT on the server, or the key's rate_limit / event_rate_limit)"
            : "";
        failure = new Error(`request ${i} answered ${res.status}${hint}: ${res.body.slice(0, 500)}`);
        return;
      }
      const reply = JSON.parse(res.body) as IngestReply;
      totals.accepted += reply.accepted;
      totals.duplicates += reply.duplicates;
      totals.bots += reply.bots;
      totals.rejected += reply.rejected.length;
    }
  }

  const cpu = measureCpu();
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, client));
  const wallMs = performance.now() - started;
  const cpuReport = cpu();
  if (failure) throw failure;
  let worst = 0;
  for (let i = 1; i < n; i++) if (latencies[i]! > latencies[worst]!) worst = i;
  const slowest = { ms: latencies[worst]!, atMs: startedAt[worst]! - started };
  return { wallMs, latencies: latencies.sort(), slowest, ...totals, cpu: cpuReport };
}

// ---------------------------------------------------------------------------------------------
// COPY rows: exactly the columns the API path writes (lib/ingest/write-events.ts), derived with the
// server's own enrichment (lib/ingest/enrich.ts); received_at takes its default in both.

const copyColumns = [
  "organization_id",
  "project_id",
  "event_id",
  "name",
  "timestamp",
  "user_id",
  "anonymous_id",
  "session_id",
  "properties",
  "path",
  "title",
  "referrer_host",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "browser",
  "os",
  "device_type",
  "country",
  "locale",
  "app_version",
  "library",
] as const;
const compared = copyColumns.filter((c) => !["organization_id", "project_id", "event_id", "timestamp"].includes(c));

function csvField(value: string | null | undefined): string {
  // Unquoted empty is NULL in CSV COPY; everything else is quoted, so "" stays an empty string.
  return value === null || value === undefined ? "" : `"${value.replace(/"/g, '""')}"`;
}

// ---------------------------------------------------------------------------------------------

/** --rate: the server's refresh watermarks sampled while events arrive on schedule (bench/ingest-rate.ts). */
async function runRefreshLag(db: pg.Client, key: string, keyNote: string, rate: number): Promise<void> {
  const rateOptions = {
    rate,
    duration: options.duration,
    batch: options.batch,
    maxInFlight: Math.max(options.concurrency, 16),
  };
  const post: Post = (body, userAgent, i) =>
    request("POST", endpoint, body, {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      "user-agent": userAgent,
      "x-forwarded-for": `198.51.100.${(i % 250) + 1}`,
    });
  console.log("Lumen refresh lag at a fixed ingestion rate");
  console.log(`  server     ${endpoint.href} (${keyNote})`);
  console.log(`  database   ${redactUrl(options.databaseUrl)}; ${loadLine()}`);
  const cpu = measureCpu();
  const result = await runAtRate(post, db, rateOptions);
  const rows: [string, string][] = [...rateSummary(result, rateOptions), ["CPU", cpuLine(cpu())], ["load", loadLine()]];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  if (flags.json) console.log(JSON.stringify({ ...rateOptions, ...result, latenciesMs: undefined }));
}

async function main(): Promise<void> {
  // The lib modules read DATABASE_URL through getEnv(), so it is set before they are loaded.
  process.env.DATABASE_URL = options.databaseUrl;
  const { setDatabaseUrl } = await import("../lib/env");
  setDatabaseUrl(options.databaseUrl);
  const { createApiKey, hashApiKey } = await import("../lib/auth/api-keys");
  const { createProject, ensureOrganization } = await import("../lib/workspace/workspace");
  const { extractContextColumns, isBotUserAgent } = await import("../lib/ingest/enrich");
  const { closeDatabase } = await import("../lib/db/client");

  const db = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await db.connect();
  } catch (error) {
    fail(
      `cannot connect to the database at ${redactUrl(options.databaseUrl)} (${error instanceof Error ? error.message : String(error)}); pass --database-url`,
    );
  }

  const health = await request("GET", new URL("/api/health", options.url)).catch((error: unknown) =>
    fail(
      `the server at ${options.url.origin} is not reachable (${error instanceof Error ? error.message : String(error)}); start it first (see bench/README.md)`,
    ),
  );
  if (health.status !== 200) fail(`${options.url.origin}/api/health answered ${health.status}: ${health.body}`);
  watched.serverPid = pidListeningOn(Number(options.url.port || (options.url.protocol === "https:" ? 443 : 80)));
  watched.postmasterPid = parentPid((await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);

  // --- Who we write as: the given key, or a fresh organization / project / key.
  const runId = randomBytes(4).toString("hex");
  let key: string;
  let organizationId: string;
  let apiProjectId: string;
  let keyNote: string;
  if (flags.key) {
    key = flags.key;
    const { rows } = await db.query<{
      organization_id: string;
      project_id: string | null;
      kind: string;
      revoked_at: Date | null;
      rate_limit: number | null;
      event_rate_limit: number | null;
    }>(
      "SELECT organization_id, project_id, kind, revoked_at, rate_limit, event_rate_limit FROM api_keys WHERE hash = $1",
      [hashApiKey(key)],
    );
    const row = rows[0];
    if (!row)
      fail(`that key is not in ${redactUrl(options.databaseUrl)}: --database-url must be the server's database`);
    if (row.kind !== "write" || !row.project_id || row.revoked_at)
      fail("--key must be an active write key bound to a project");
    organizationId = row.organization_id;
    apiProjectId = row.project_id;
    keyNote = `given key ${key.slice(0, 12)}…${row.rate_limit ? `, its own rate limit ${fmt(row.rate_limit)} requests/s` : ", server's LUMEN_INGEST_RATE_LIMIT applies"}${row.event_rate_limit ? `, ${fmt(row.event_rate_limit)} events/s` : ", server's LUMEN_INGEST_EVENT_RATE_LIMIT applies"}`;
  } else {
    const given = flags["project-id"];
    const existing = given
      ? (
          await db.query<{ organization_id: string }>("SELECT organization_id FROM projects WHERE id = $1::uuid", [
            given,
          ])
        ).rows[0]
      : undefined;
    if (given && !existing) fail(`no project ${given} in ${redactUrl(options.databaseUrl)}`);
    const slug = `bench-${runId}`;
    const org = existing ? null : await ensureOrganization({ name: `Ingest benchmark ${runId}`, slug });
    organizationId = existing?.organization_id ?? org!.id;
    apiProjectId = given ?? (await createProject(organizationId, { name: `Ingest benchmark ${runId} (API)` })).id;
    // The key's own limits override LUMEN_INGEST_RATE_LIMIT and LUMEN_INGEST_EVENT_RATE_LIMIT, so the run is not throttled.
    const created = await createApiKey({
      organizationId,
      projectId: apiProjectId,
      kind: "write",
      name: `ingest benchmark ${runId}`,
      rateLimit: 1_000_000,
      eventRateLimit: 1_000_000_000,
    });
    key = created.key;
    keyNote = `${existing ? `project ${given}` : `fresh organization ${slug}`}, key ${created.prefix}… with rate limits 1,000,000 requests/s and 1,000,000,000 events/s`;
  }
  if (options.rate !== null) {
    await runRefreshLag(db, key, keyNote, options.rate);
    agent.destroy();
    await db.end();
    await closeDatabase();
    return;
  }
  const copyProjectId = flags["skip-copy"]
    ? null
    : (await createProject(organizationId, { name: `Ingest benchmark ${runId} (COPY reference)` })).id;

  const countRows = async (table: "events" | "event_keys", projectId: string) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1 AND project_id = $2`,
        [organizationId, projectId],
      )
    ).rows[0]!.n;
  const checkpoint = async () => {
    // So neither timed phase pays for the other's dirty pages; needs superuser or pg_checkpoint.
    await db.query("CHECKPOINT").catch(() => undefined);
  };

  // --- Payloads, generated up front so the timed run only sends.
  const genStarted = performance.now();
  const batches: BenchBatch[] = [];
  for (let left = options.events; left > 0; left -= options.batch)
    batches.push(generateBatch(Math.min(options.batch, left)));
  const warmupBatches = Array.from({ length: options.warmup }, () => generateBatch(options.batch));
  const bots = [...new Set(batches.map((b) => b.userAgent))].filter((ua) => isBotUserAgent(ua));
  if (bots.length) fail(`generated user agents the server would drop as bots: ${bots.join(", ")}`);
  const work = prepare(batches);
  const warmupWork = prepare(warmupBatches);
  const bodyBytes = work.eventsJson.reduce((sum, s) => sum + Buffer.byteLength(s), 0);

  const copyChunks: Buffer[] = [];
  if (copyProjectId) {
    for (const batch of batches) {
      let csv = "";
      for (const e of batch.events) {
        const c = extractContextColumns(e.context, batch.userAgent);
        const fields = [
          organizationId,
          copyProjectId,
          e.event_id,
          e.name,
          e.timestamp,
          e.user_id ?? null,
          e.anonymous_id,
          e.session_id,
          JSON.stringify(e.properties),
          c.path,
          c.title,
          c.referrerHost,
          c.utmSource,
          c.utmMedium,
          c.utmCampaign,
          c.utmTerm,
          c.utmContent,
          c.browser,
          c.os,
          c.deviceType,
          null,
          c.locale,
          c.appVersion,
          c.library,
        ];
        csv += `${fields.map(csvField).join(",")}\n`;
      }
      copyChunks.push(Buffer.from(csv));
    }
  }
  const genMs = performance.now() - genStarted;

  const tableRowsBefore = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM events")).rows[0]!.n;
  const rowsBefore = await countRows("events", apiProjectId);

  console.log(`Lumen ingestion benchmark`);
  console.log(`  server     ${endpoint.href} (${keyNote})`);
  console.log(
    `  database   ${redactUrl(options.databaseUrl)} (events table holds ${fmt(tableRowsBefore)} rows before this run)`,
  );
  console.log(
    `  payloads   ${fmt(batches.length)} requests of ${fmt(options.batch)} events, ${fmt(bodyBytes / batches.length / 1024, 1)} KiB per request on average, generated in ${fmt(genMs / 1000, 1)} s (not timed)`,
  );

  // --- Warm-up: JIT, the route's first load, connection pools; its events are counted separately.
  let warmupEvents = 0;
  if (options.warmup > 0) {
    process.stdout.write(`  warm-up    ${fmt(options.warmup)} requests… `);
    const warm = await runRequests(warmupWork, key, options.concurrency);
    warmupEvents = warm.accepted;
    console.log(`done (${fmt(warm.accepted)} events, ${fmt(warm.wallMs / 1000, 1)} s)`);
  }

  // --- The timed API run. First, how busy is the machine with nothing of ours running? Other
  // processes on the box (builds, tests, other servers) take CPU from the server under test.
  await checkpoint();
  const idle = measureCpu();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const background = idle().machineBusyPercent;
  if (background !== null) {
    console.log(
      `  background machine ${fmt(background)}% busy over 1 s before the run${background > 10 ? " — other processes are competing: the numbers below will be low" : ""}`,
    );
  }
  process.stdout.write(
    `  API run    ${fmt(options.events)} events, ${options.concurrency} concurrent client${options.concurrency === 1 ? "" : "s"}… `,
  );
  const loadAtStart = loadLine();
  const api = await runRequests(work, key, options.concurrency);
  const loadAtEnd = loadLine();
  const apiSeconds = api.wallMs / 1000;
  const apiRate = options.events / apiSeconds;
  console.log(`done in ${fmt(apiSeconds, 2)} s`);

  const rowsAfter = await countRows("events", apiProjectId);
  const keysAfter = await countRows("event_keys", apiProjectId);
  const storedByRun = rowsAfter - rowsBefore - warmupEvents;
  const rowsOk =
    storedByRun === options.events &&
    api.accepted === options.events &&
    api.duplicates === 0 &&
    api.bots === 0 &&
    api.rejected === 0;

  // --- The COPY reference.
  let copy: {
    rows: number;
    seconds: number;
    rate: number;
    stored: number;
    identical: number | null;
    cpu: CpuReport;
  } | null = null;
  if (copyProjectId) {
    await checkpoint();
    const sql = `COPY events (${copyColumns.map((c) => `"${c}"`).join(", ")}) FROM STDIN WITH (FORMAT csv)`;
    process.stdout.write(`  COPY run   ${fmt(options.events)} rows, one COPY … FROM STDIN on one connection… `);
    const cpu = measureCpu();
    const started = performance.now();
    const rows = await copyFrom(db, sql, copyChunks);
    const seconds = (performance.now() - started) / 1000;
    const cpuReport = cpu();
    console.log(`done in ${fmt(seconds, 2)} s`);
    const stored = await countRows("events", copyProjectId);
    // Same rows as the API stored? Every column but project_id, received_at and the timestamp,
    // which the API shifts by the (tiny) gap between sent_at and the server's clock.
    // Fresh rows have no statistics yet, so the planner may pick a nested loop over 200k x 200k
    // rows: ask for a hash join, and give up (rather than hang) after a minute.
    await db.query("BEGIN");
    await db.query("SET LOCAL enable_nestloop = off");
    await db.query("SET LOCAL statement_timeout = '60s'");
    const same = await db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events a JOIN events b ON b.organization_id = a.organization_id AND b.event_id = a.event_id
        WHERE a.organization_id = $1 AND a.project_id = $2 AND b.project_id = $3
          AND (${compared.map((c) => `a."${c}"`).join(", ")}) IS NOT DISTINCT FROM (${compared.map((c) => `b."${c}"`).join(", ")})
          AND abs(extract(epoch FROM a."timestamp" - b."timestamp")) < 10`,
        [organizationId, apiProjectId, copyProjectId],
      )
      .then(
        (r) => r.rows[0]!.n,
        () => null,
      );
    await db.query(same === null ? "ROLLBACK" : "COMMIT");
    copy = { rows, seconds, rate: rows / seconds, stored, identical: same, cpu: cpuReport };
  }

  // --- Summary.
  const lat = api.latencies;
  const p = {
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1] ?? NaN,
    mean: lat.reduce((a, b) => a + b, 0) / lat.length,
  };
  const ratio = copy ? (100 * apiRate) / copy.rate : null;
  const ratioMet = ratio !== null && ratio >= 25;
  const p99Met = p.p99 < 100;
  const rows: [string, string][] = [
    ["events", fmt(options.events)],
    ["batch", `${fmt(options.batch)} events per request`],
    [
      "concurrency",
      `${options.concurrency} client${options.concurrency === 1 ? "" : "s"} (one request in flight each)`,
    ],
    ["requests", fmt(batches.length)],
    ["wall time", `${fmt(apiSeconds, 2)} s`],
    ["API events/s", fmt(apiRate)],
    ["requests/s", fmt(batches.length / apiSeconds, 1)],
    ["latency p50", `${fmt(p.p50, 1)} ms`],
    ["latency p95", `${fmt(p.p95, 1)} ms`],
    ["latency p99", `${fmt(p.p99, 1)} ms`],
    [
      "latency max",
      `${fmt(p.max, 1)} ms, ${fmt(api.slowest.atMs / 1000, 1)} s into the run (mean ${fmt(p.mean, 1)} ms)`,
    ],
    ["CPU, API run", cpuLine(api.cpu)],
    ["load", `${loadAtStart} before the API run, ${loadAtEnd} after it`],
    [
      "rows stored (API)",
      `${fmt(storedByRun)} of ${fmt(options.events)} sent ${rowsOk ? "(OK)" : "(MISMATCH)"}; event_keys ${fmt(keysAfter - rowsBefore - warmupEvents)}; replies: accepted ${fmt(api.accepted)}, duplicates ${api.duplicates}, bots ${api.bots}, rejected ${api.rejected}`,
    ],
  ];
  if (copy) {
    rows.push(
      [
        "COPY rows/s",
        `${fmt(copy.rate)} (${fmt(copy.rows)} rows in ${fmt(copy.seconds, 2)} s; into events only, no event_keys dedup)`,
      ],
      ["CPU, COPY run", cpuLine(copy.cpu)],
      [
        "rows stored (COPY)",
        `${fmt(copy.stored)}; identical to the API's rows: ${copy.identical === null ? "not checked (the comparison timed out)" : `${fmt(copy.identical)} of ${fmt(options.events)}`}`,
      ],
      ["API / COPY", `${fmt(ratio!, 1)} %`],
    );
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log("");
  console.log("  Targets");
  console.log(
    `  ${"API >= 25% of COPY".padEnd(28)}${ratio === null ? "not measured (--skip-copy)" : `${ratioMet ? "MET" : "NOT MET"} (${fmt(ratio, 1)} %)`}`,
  );
  console.log(
    `  ${"p99 < 100 ms at 4 clients".padEnd(28)}${options.concurrency === 4 ? `${p99Met ? "MET" : "NOT MET"} (${fmt(p.p99, 1)} ms)` : `n/a at ${options.concurrency} client${options.concurrency === 1 ? "" : "s"} (p99 ${fmt(p.p99, 1)} ms${p99Met ? ", under 100" : ", over 100"})`}`,
  );

  if (flags.json) {
    console.log(
      JSON.stringify({
        events: options.events,
        batch: options.batch,
        concurrency: options.concurrency,
        requests: batches.length,
        wall_s: apiSeconds,
        api_events_per_s: apiRate,
        requests_per_s: batches.length / apiSeconds,
        latency_ms: p,
        rows_stored_api: storedByRun,
        rows_ok: rowsOk,
        copy_rows_per_s: copy?.rate ?? null,
        copy_s: copy?.seconds ?? null,
        copy_rows_identical: copy?.identical ?? null,
        ratio_percent: ratio,
        targets: {
          ratio_25_percent: ratio === null ? null : ratioMet,
          p99_under_100ms: options.concurrency === 4 ? p99Met : null,
        },
        cpu: { background_percent: background, api: api.cpu, copy: copy?.cpu ?? null },
      }),
    );
  }

  agent.destroy();
  await db.end();
  await closeDatabase();
  if (!rowsOk || (copy && (copy.stored !== options.events || copy.rows !== options.events))) {
    console.error("bench:ingest: the stored row counts do not match what was sent: the numbers above are not valid");
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(`\nbench:ingest: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
