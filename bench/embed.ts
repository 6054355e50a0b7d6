// Live embed benchmark: N concurrent server-sent-events viewers of one embed while events stream in
// through the ingestion API. Prints the delay from ingest commit to each viewer's receipt, viewers
// that missed updates, the server's CPU and memory, and how many report queries the server ran per
// second. Run by hand against a running server; it prints numbers, it is not a test. See bench/README.md.
//
//   npm run bench:embed -- [--url http://127.0.0.1:3000] [--viewers 1000] [--duration 30] [--interval 200]
//                          [--batch 5] [--history 0] [--pid PID] [--database-url postgresql://...] [--json]
import { randomBytes } from "node:crypto";
import http from "node:http";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { SseParser } from "../lib/realtime/sse-parser";
import { generateBatch } from "./payloads";
import { cpuSeconds, machineCpu, parentPid, pidListeningOn, residentBytes, treeCpuSeconds } from "./proc-stats";

const usage = `Usage: npm run bench:embed -- [options]

  --url URL                 server to benchmark (default http://127.0.0.1:3000)
  --viewers N               concurrent SSE viewers of the one embed (default 1000)
  --duration S              seconds of steady ingestion (default 30)
  --interval MS             one ingest request every MS milliseconds (default 200)
  --batch N                 events per ingest request (default 5)
  --history N               events written straight to the database first, over the last 23 hours,
                            so the widget's query has rows to count (default 0)
  --connect-concurrency N   viewers connecting at the same time (default 100)
  --first-data-timeout S    a viewer still without data this long after connecting counts as hung; the
                            next one connects (default 30)
  --quiet S                 seconds with all viewers connected and no ingestion, before the run; at
                            least 11 lets the database's statistics settle (default 12)
  --grace S                 after the last request, how long viewers may take to catch up (default 5)
  --pid PID                 the server's process, for CPU and memory (default: whoever listens on --url's port)
  --database-url URL        the server's database (default $DATABASE_URL, else the embedded
                            PostgreSQL on $LUMEN_PG_PORT or 54329)
  --json                    also print the results as one JSON object on the last line
`;

function fail(message: string): never {
  console.error(`bench:embed: ${message}`);
  process.exit(1);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: "string", default: "http://127.0.0.1:3000" },
        viewers: { type: "string", default: "1000" },
        duration: { type: "string", default: "30" },
        interval: { type: "string", default: "200" },
        batch: { type: "string", default: "5" },
        history: { type: "string", default: "0" },
        "connect-concurrency": { type: "string", default: "100" },
        quiet: { type: "string", default: "12" },
        "first-data-timeout": { type: "string", default: "30" },
        grace: { type: "string", default: "5" },
        pid: { type: "string" },
        "database-url": { type: "string" },
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
  viewers: integer("viewers", flags.viewers, 1, 50_000),
  durationMs: integer("duration", flags.duration, 1) * 1000,
  intervalMs: integer("interval", flags.interval, 10),
  batch: integer("batch", flags.batch, 1, 1000),
  history: integer("history", flags.history, 0),
  connectConcurrency: integer("connect-concurrency", flags["connect-concurrency"], 1),
  quietMs: integer("quiet", flags.quiet, 0) * 1000,
  firstDataTimeoutMs: integer("first-data-timeout", flags["first-data-timeout"], 1) * 1000,
  graceMs: integer("grace", flags.grace, 0) * 1000,
  pid: flags.pid === undefined ? undefined : integer("pid", flags.pid, 1),
  databaseUrl:
    flags["database-url"] ??
    process.env.DATABASE_URL ??
    `postgresql://lumen:lumen@127.0.0.1:${process.env.LUMEN_PG_PORT || 54329}/lumen`,
};
if (options.url.protocol !== "http:") fail("--url must be http:// (the viewers use plain HTTP/1.1 connections)");

// ---------------------------------------------------------------------------------------------
// Formatting and statistics

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmtPercent = (n: number | null) => (n === null ? "?" : `${fmt(n)}%`);
const mb = (bytes: number | null) => (bytes === null ? "?" : `${fmt(bytes / 1024 / 1024)} MB`);
const redactUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summary(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP. Viewers hold one socket each for the whole run, hence an agent without a socket cap.

const viewerAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const ingestAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, options.url),
      {
        method,
        agent: ingestAgent,
        headers:
          body === undefined
            ? headers
            : { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
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

interface RealtimeStats {
  feeds: number;
  viewers: number;
  computations: number;
}

let healthDegraded = 0;

/** The hub's counters. A 503 (the database check timed out: the pool is busy) still carries them. */
async function serverRealtime(): Promise<RealtimeStats> {
  const health = await request("GET", "/api/health");
  const body = JSON.parse(health.body) as { realtime?: RealtimeStats };
  if (!body.realtime)
    fail(
      `/api/health answered ${health.status} without realtime counters (${health.body.slice(0, 200)}): rebuild and restart the server`,
    );
  if (health.status !== 200) healthDegraded++;
  return body.realtime;
}

// ---------------------------------------------------------------------------------------------
// Viewers: one SSE connection each, parsed by hand. A dropped or refused connection is tried again
// after the server's retry delay (EventSource too reconnects after a drop, but gives up on a refusal).

interface Viewer {
  index: number;
  request?: http.ClientRequest;
  /** The widget value of the first data event, and when it arrived after the viewer started. */
  firstValue?: number;
  connectMs?: number;
  /** The first batch whose total this viewer has not seen yet. */
  nextBatch: number;
  lastEventId: string;
  dataEvents: number;
  drops: number;
  failedAttempts: number;
}

interface Run {
  viewers: Viewer[];
  /** The widget total once batch k is stored; fixed once every viewer saw the same starting value. */
  expected: (batch: number) => number;
  /** receipts[batch * viewers + viewer]: when that viewer first saw a total including the batch. */
  receipts: Float64Array;
  batchesPlanned: number;
  stopping: boolean;
}

const embedValue = (data: string): number | undefined => {
  const widgets = (JSON.parse(data) as { widgets?: { result?: { value?: unknown } | null }[] }).widgets;
  const value = widgets?.[0]?.result?.value;
  return typeof value === "number" ? value : undefined;
};

function openViewer(run: Run, viewer: Viewer, streamPath: string, started: number, onFirst: () => void): void {
  const parser = new SseParser();
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (viewer.lastEventId) headers["last-event-id"] = viewer.lastEventId;
  let firstOnThisConnection = true;
  const retry = () => {
    if (run.stopping) return;
    setTimeout(() => openViewer(run, viewer, streamPath, started, onFirst), parser.retryMs ?? 2000).unref();
  };
  const req = http.get(new URL(streamPath, options.url), { agent: viewerAgent, headers }, (res) => {
    if (res.statusCode !== 200) {
      viewer.failedAttempts++;
      res.resume();
      res.on("end", retry);
      return;
    }
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      const now = performance.now();
      for (const event of parser.push(chunk)) {
        viewer.lastEventId = event.lastEventId;
        if (event.type !== "data") continue;
        const value = embedValue(event.data);
        if (value === undefined) continue;
        viewer.dataEvents++;
        if (viewer.firstValue === undefined) {
          viewer.firstValue = value;
          viewer.connectMs = now - started;
        }
        if (firstOnThisConnection) {
          firstOnThisConnection = false;
          onFirst();
        }
        while (viewer.nextBatch < run.batchesPlanned && value >= run.expected(viewer.nextBatch)) {
          run.receipts[viewer.nextBatch * run.viewers.length + viewer.index] = now;
          viewer.nextBatch++;
        }
      }
    });
    res.on("end", () => {
      if (!run.stopping) viewer.drops++;
      retry();
    });
    res.on("error", () => undefined);
  });
  req.on("error", () => {
    if (run.stopping) return;
    viewer.failedAttempts++;
    retry();
  });
  viewer.request = req;
}

// Backends report table statistics when idle, at most once a second, and at the latest 10 s later.
const STATS_SETTLE_MS = 11_000;

/**
 * PostgreSQL's own count, independent of the server's counter: every embed data load (one per feed
 * recomputation, one per connecting viewer) reads the widgets table once, and nothing else a
 * server does during the run reads it. Each read is a sequential or an index scan.
 */
async function widgetReads(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS n FROM pg_stat_user_tables WHERE relid = 'widgets'::regclass",
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Opens every viewer, at most `concurrency` connecting at once; resolves when each has its first
 * data or has waited `--first-data-timeout` for it (it stays open, and may still get data later).
 */
async function connectViewers(run: Run, streamPath: string, concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, run.viewers.length) }, async () => {
      while (next < run.viewers.length) {
        const viewer = run.viewers[next++]!;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.firstDataTimeoutMs);
          openViewer(run, viewer, streamPath, performance.now(), () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }),
  );
  return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------
// Samples of the server, the database and this process, once a second.

interface Sample {
  at: number;
  serverCpu: number | null;
  serverRss: number | null;
  dbCpu: number | null;
  benchCpu: number;
  machine: { busy: number; total: number } | null;
  realtime: RealtimeStats;
}

/** Share of all the machine's cores busy between two samples, whoever used them. */
function machineBusy(from: Sample, to: Sample): number | null {
  if (!from.machine || !to.machine || to.machine.total <= from.machine.total) return null;
  return (100 * (to.machine.busy - from.machine.busy)) / (to.machine.total - from.machine.total);
}

function cpuPercent(from: Sample, to: Sample, pick: (s: Sample) => number | null): number | null {
  const a = pick(from);
  const b = pick(to);
  return a === null || b === null ? null : (100 * (b - a)) / ((to.at - from.at) / 1000);
}

/** Mean CPU % over consecutive samples, each step clamped at 0 (a database backend that exits takes its CPU time with it). */
function meanCpu(samples: Sample[], pick: (s: Sample) => number | null): { mean: number | null; peak: number | null } {
  const steps: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const step = cpuPercent(samples[i - 1]!, samples[i]!, pick);
    if (step !== null) steps.push(Math.max(0, step));
  }
  if (steps.length === 0) return { mean: null, peak: null };
  const seconds = (samples[samples.length - 1]!.at - samples[0]!.at) / 1000;
  const weighted = steps.reduce((sum, step, i) => sum + step * ((samples[i + 1]!.at - samples[i]!.at) / 1000), 0);
  return { mean: weighted / seconds, peak: Math.max(...steps) };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // The lib modules read DATABASE_URL through getEnv(), so it is set before they are loaded.
  process.env.DATABASE_URL = options.databaseUrl;
  const { setDatabaseUrl } = await import("../lib/env");
  setDatabaseUrl(options.databaseUrl);
  const { createApiKey } = await import("../lib/auth/api-keys");
  const { getPool, getPrisma, closeDatabase } = await import("../lib/db/client");
  const { ensureEventPartitions } = await import("../lib/db/partitions");
  const { createEmbed } = await import("../lib/embed/issue");
  const { eventRow } = await import("../lib/ingest/event-row");
  const { writeEvents } = await import("../lib/ingest/write-events");
  const { createProject, ensureOrganization, ensureUserWithRole } = await import("../lib/workspace/workspace");

  const db = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await db.connect();
  } catch (error) {
    fail(
      `cannot connect to the database at ${redactUrl(options.databaseUrl)} (${error instanceof Error ? error.message : String(error)}); pass --database-url`,
    );
  }
  await request("GET", "/api/health").catch((error: unknown) =>
    fail(
      `the server at ${options.url.origin} is not reachable (${error instanceof Error ? error.message : String(error)}); start it first (see bench/README.md)`,
    ),
  );
  await serverRealtime();

  // --- Processes to watch: the server by its port, PostgreSQL through one of its backends.
  const port = Number(options.url.port || 80);
  const serverPid = options.pid ?? pidListeningOn(port);
  if (serverPid === null) fail(`no process found listening on port ${port} (ss -ltnp): pass --pid`);
  const backendPid = (await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  const postmasterPid = parentPid(backendPid);

  // --- A fresh project, a report with one live count widget, a write key and a Lumen-issued embed.
  const runId = randomBytes(4).toString("hex");
  const org = await ensureOrganization({ name: "Embed benchmark", slug: "bench-embed" });
  const admin = await ensureUserWithRole(
    org.id,
    { email: "bench-embed-admin@example.com", password: randomBytes(12).toString("base64url") },
    "admin",
  );
  const project = await createProject(org.id, { name: `Embed benchmark ${runId}`, timezone: "UTC" });
  const key = await createApiKey({
    organizationId: org.id,
    projectId: project.id,
    kind: "write",
    name: `embed benchmark ${runId}`,
    rateLimit: 1_000_000,
    eventRateLimit: 1_000_000_000,
  });
  const report = await getPrisma().report.create({
    data: {
      organizationId: org.id,
      projectId: project.id,
      name: "Live events",
      widgets: {
        create: [
          { title: "Events, last 24 hours", query: { kind: "metric", compare: false }, viz: { type: "metric" } },
        ],
      },
    },
  });
  const embed = await createEmbed(
    { userId: admin.id },
    { report_id: report.id, params: { range: { relative: "last_24_hours" }, timezone: "UTC" } },
    options.url.origin,
  );
  const streamPath = `/api/v1/embed/${embed.token}/stream`;
  if (options.history > 0) {
    // Inside the widget's 24-hour window, and not so close to its edge that rows age out mid-run.
    const now = Date.now();
    await ensureEventPartitions(getPool(), new Date(now - 86_400_000), new Date(now));
    for (let written = 0; written < options.history; written += 5000) {
      const rows = Array.from({ length: Math.min(5000, options.history - written) }, () =>
        eventRow({
          name: "pageview",
          timestamp: new Date(now - 3_600_000 - Math.random() * 22 * 3_600_000),
          anonymousId: `h_${randomBytes(6).toString("hex")}`,
        }),
      );
      await writeEvents(getPool(), org.id, project.id, rows);
    }
  }

  console.log("Lumen live embed benchmark");
  console.log(
    `  server     ${options.url.origin} (pid ${serverPid}), database ${redactUrl(options.databaseUrl)} (postmaster pid ${postmasterPid ?? "?"})`,
  );
  console.log(
    `  embed      project ${project.id}, 1 metric widget (count of events, last 24 hours), ${fmt(options.history)} events of history`,
  );
  console.log(
    `  plan       ${fmt(options.viewers)} viewers; then one request of ${options.batch} events every ${options.intervalMs} ms for ${fmt(options.durationMs / 1000)} s; ${fmt(options.graceMs / 1000)} s grace`,
  );

  // --- Sampling runs throughout; phases are marked by time.
  const samples: Sample[] = [];
  const benchCpuStart = process.cpuUsage();
  const takeSample = async () => {
    const own = process.cpuUsage(benchCpuStart);
    samples.push({
      at: performance.now(),
      serverCpu: cpuSeconds(serverPid),
      serverRss: residentBytes(serverPid),
      dbCpu: postmasterPid === null ? null : treeCpuSeconds(postmasterPid),
      benchCpu: (own.user + own.system) / 1e6,
      machine: machineCpu(),
      realtime: await serverRealtime(),
    });
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await takeSample();
      await sleep(1000);
    }
  })();
  const mark = async () => {
    await takeSample();
    return samples[samples.length - 1]!;
  };
  const between = (from: Sample, to: Sample) => samples.filter((s) => s.at >= from.at && s.at <= to.at);

  const batchesPlanned = Math.max(1, Math.floor(options.durationMs / options.intervalMs));
  const run: Run = {
    viewers: Array.from({ length: options.viewers }, (_, index) => ({
      index,
      nextBatch: 0,
      lastEventId: "",
      dataEvents: 0,
      drops: 0,
      failedAttempts: 0,
    })),
    expected: () => Infinity,
    receipts: new Float64Array(batchesPlanned * options.viewers).fill(NaN),
    batchesPlanned,
    stopping: false,
  };

  // --- Idle (how busy is the machine without us?), then connect every viewer.
  const idleStart = await mark();
  await sleep(2000);
  const idle = await mark();
  const background = machineBusy(idleStart, idle);
  if (background !== null) {
    console.log(
      `  background machine ${fmt(background)}% busy before connecting${background > 10 ? " — other processes are competing: latency and CPU figures will be worse" : ""}`,
    );
  }
  process.stdout.write(`  connect    ${fmt(options.viewers)} viewers, ${options.connectConcurrency} at a time… `);
  const connectWallMs = await connectViewers(run, streamPath, options.connectConcurrency);
  const connected = await mark();
  console.log(`done in ${fmt(connectWallMs / 1000, 1)} s`);
  const hung = run.viewers.filter((v) => v.firstValue === undefined).length;
  if (hung === options.viewers)
    fail(`no viewer received data within ${options.firstDataTimeoutMs / 1000} s of connecting`);
  const firstValues = new Set(run.viewers.flatMap((v) => (v.firstValue === undefined ? [] : [v.firstValue])));
  if (firstValues.size !== 1)
    fail(
      `viewers saw different starting totals (${[...firstValues].slice(0, 5).join(", ")}): is something else writing to this project?`,
    );
  const base = [...firstValues][0]!;
  run.expected = (batch) => base + (batch + 1) * options.batch;

  // --- Quiet: everyone connected, nothing ingested. The server should run no report queries.
  await sleep(options.quietMs);
  const quietEnd = await mark();
  const widgetReadsBefore = await widgetReads(db);

  // --- Steady ingestion, one request at a time on a fixed schedule.
  console.log(`  ingest     ${fmt(batchesPlanned)} requests…`);
  const commits = new Float64Array(batchesPlanned).fill(NaN);
  const ingestLatencies: number[] = [];
  let late = 0;
  const ingestStart = await mark();
  const t0 = performance.now();
  for (let k = 0; k < batchesPlanned; k++) {
    const due = t0 + k * options.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (k > 0) late++;
    const batch = generateBatch(options.batch);
    const body = JSON.stringify({ sent_at: new Date().toISOString(), events: batch.events });
    const sent = performance.now();
    const res = await request("POST", "/api/v1/events", body, {
      authorization: `Bearer ${key.key}`,
      "user-agent": batch.userAgent,
    });
    commits[k] = performance.now();
    ingestLatencies.push(commits[k]! - sent);
    if (res.status !== 202) fail(`ingest request ${k} answered ${res.status}: ${res.body.slice(0, 300)}`);
    const reply = JSON.parse(res.body) as { accepted: number };
    if (reply.accepted !== options.batch)
      fail(
        `ingest request ${k} stored ${reply.accepted} of ${options.batch} events (${res.body.slice(0, 300)}): the expected totals would be wrong`,
      );
  }
  const ingestEnd = await mark();
  await sleep(options.graceMs);
  const graceEnd = await mark();
  run.stopping = true;
  sampling = false;
  await sampler;
  for (const viewer of run.viewers) viewer.request?.destroy();
  process.stdout.write(`  settle     ${STATS_SETTLE_MS / 1000} s for the database's statistics… `);
  await sleep(STATS_SETTLE_MS);
  const widgetReadsDuring = (await widgetReads(db)) - widgetReadsBefore;
  console.log("done");

  // --- Results.
  const latencies: number[] = [];
  let missedReceipts = 0;
  let beforeResponse = 0;
  const viewersMissing = new Set<number>();
  for (let k = 0; k < batchesPlanned; k++) {
    for (let v = 0; v < options.viewers; v++) {
      const at = run.receipts[k * options.viewers + v]!;
      if (Number.isNaN(at)) {
        missedReceipts++;
        viewersMissing.add(v);
        continue;
      }
      const latency = at - commits[k]!;
      if (latency < 0) beforeResponse++;
      latencies.push(latency);
    }
  }
  const update = summary(latencies);
  const ingest = summary(ingestLatencies);
  const connect = summary(run.viewers.map((v) => v.connectMs ?? NaN).filter((n) => !Number.isNaN(n)));
  const ingestSamples = between(ingestStart, ingestEnd);
  const ingestSeconds = (ingestEnd.at - ingestStart.at) / 1000;
  const quietSeconds = (quietEnd.at - connected.at) / 1000;
  const serverCpu = meanCpu(ingestSamples, (s) => s.serverCpu);
  const dbCpu = meanCpu(ingestSamples, (s) => s.dbCpu);
  const benchCpu = meanCpu(ingestSamples, (s) => s.benchCpu);
  const connectCpu = meanCpu(between(idle, connected), (s) => s.serverCpu);
  const rssPeak = Math.max(...between(connected, graceEnd).map((s) => s.serverRss ?? 0));
  const computationsQuiet = quietEnd.realtime.computations - connected.realtime.computations;
  const computationsIngest = ingestEnd.realtime.computations - ingestStart.realtime.computations;
  const computationsWindow = graceEnd.realtime.computations - ingestStart.realtime.computations;
  const widgets = 1;
  const dataEvents = run.viewers.reduce((sum, v) => sum + v.dataEvents, 0);
  const drops = run.viewers.reduce((sum, v) => sum + v.drops, 0);
  const failedAttempts = run.viewers.reduce((sum, v) => sum + v.failedAttempts, 0);
  const p95Met = update.p95 < 1000;

  const rows: [string, string][] = [
    [
      "viewers",
      `${fmt(options.viewers)} on one embed; the server counted ${fmt(connected.realtime.viewers)} viewers in ${fmt(connected.realtime.feeds)} feed${connected.realtime.feeds === 1 ? "" : "s"}`,
    ],
    [
      "connect",
      `${fmt(connect.count)} with data in ${fmt(connectWallMs / 1000, 1)} s; to first data p50 ${fmt(connect.p50)} ms, p95 ${fmt(connect.p95)} ms, max ${fmt(connect.max)} ms; ${fmt(failedAttempts)} failed attempts (retried); ${fmt(hung)} hung (no data within ${fmt(options.firstDataTimeoutMs / 1000)} s)`,
    ],
    [
      "ingest",
      `${fmt(batchesPlanned)} requests x ${options.batch} events in ${fmt(ingestSeconds, 1)} s (${late} sent late); 202 in p50 ${fmt(ingest.p50, 1)} ms, p95 ${fmt(ingest.p95, 1)} ms, max ${fmt(ingest.max, 1)} ms`,
    ],
    [
      "update latency",
      `p50 ${fmt(update.p50)} ms, p95 ${fmt(update.p95)} ms, p99 ${fmt(update.p99)} ms, max ${fmt(update.max)} ms (${fmt(update.count)} viewer receipts; ingest 202 -> first data event with the new total)`,
    ],
    [
      "health checks",
      `${healthDegraded} of ${samples.length} samples of /api/health answered 503 (its database round trip took over 2 s)`,
    ],
    [
      "missed",
      `${fmt(viewersMissing.size)} viewers missed at least one update (${fmt(missedReceipts)} of ${fmt(batchesPlanned * options.viewers)} receipts); ${fmt(drops)} streams dropped by the server`,
    ],
    [
      "data events",
      `${fmt(dataEvents)} received, ${fmt(dataEvents / options.viewers, 1)} per viewer (updates coalesce per 250 ms tick); ${fmt(beforeResponse)} arrived before the ingest response did`,
    ],
    [
      "server CPU",
      `ingesting: mean ${serverCpu.mean === null ? "?" : fmt(serverCpu.mean)}%, peak ${serverCpu.peak === null ? "?" : fmt(serverCpu.peak)}% of one core; while viewers connected: mean ${connectCpu.mean === null ? "?" : fmt(connectCpu.mean)}%`,
    ],
    [
      "server memory",
      `RSS ${mb(idle.serverRss)} before viewers, ${mb(connected.serverRss)} with them, peak ${mb(rssPeak)}`,
    ],
    [
      "database CPU",
      `ingesting: mean ${dbCpu.mean === null ? "?" : fmt(dbCpu.mean)}%, peak ${dbCpu.peak === null ? "?" : fmt(dbCpu.peak)}% of one core (postmaster and backends)`,
    ],
    [
      "this bench CPU",
      `ingesting: mean ${benchCpu.mean === null ? "?" : fmt(benchCpu.mean)}% of one core; the whole machine (${availableParallelism()} cores = 100%) was ${fmtPercent(machineBusy(ingestStart, ingestEnd))} busy`,
    ],
    [
      "report queries",
      `${fmt(computationsIngest / ingestSeconds, 2)}/s while ingesting (${fmt(computationsIngest)} feed recomputations x ${widgets} widget query); ${fmt(computationsQuiet / Math.max(quietSeconds, 0.001), 2)}/s while quiet`,
    ],
    [
      "database check",
      `${fmt(widgetReadsDuring)} reads of the widgets table from the first request to the end of the grace period, against ${fmt(computationsWindow)} recomputations counted by the server${drops ? ` (+ ${fmt(drops)} reconnects)` : ""}`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log("");
  console.log(
    `  Target p95 < 1 s at ${fmt(options.viewers)} viewers: ${p95Met ? "MET" : "NOT MET"} (${fmt(update.p95)} ms)`,
  );

  if (flags.json) {
    console.log(
      JSON.stringify({
        viewers: options.viewers,
        batch: options.batch,
        interval_ms: options.intervalMs,
        requests: batchesPlanned,
        history: options.history,
        connect_ms: { wall: connectWallMs, ...connect },
        ingest_ms: ingest,
        update_latency_ms: update,
        viewers_missing_updates: viewersMissing.size,
        missed_receipts: missedReceipts,
        drops,
        failed_attempts: failedAttempts,
        hung,
        data_events: dataEvents,
        server_cpu_percent: serverCpu,
        server_rss_bytes: { before: idle.serverRss, connected: connected.serverRss, peak: rssPeak },
        db_cpu_percent: dbCpu,
        bench_cpu_percent: benchCpu,
        machine_busy_percent: { background, ingesting: machineBusy(ingestStart, ingestEnd) },
        widget_table_reads: widgetReadsDuring,
        recomputations_in_window: computationsWindow,
        report_queries_per_s: {
          ingesting: (computationsIngest * widgets) / ingestSeconds,
          quiet: (computationsQuiet * widgets) / Math.max(quietSeconds, 0.001),
        },
        target_p95_under_1s: p95Met,
      }),
    );
  }

  viewerAgent.destroy();
  ingestAgent.destroy();
  await db.end();
  await closeDatabase();
}

main().catch((error: unknown) => {
  console.error(`\nbench:embed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
