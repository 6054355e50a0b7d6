// bench/ingest.ts --rate: ingestion at a fixed rate (an open loop: requests go out on schedule,
// whether or not earlier ones have been answered) against a running server, while the server's
// own maintenance loop refreshes the rollups; samples how far the refresh watermarks lag behind
// the database clock, once a second. Whether the refresh keeps up is whether that lag stays bounded.
import type pg from "pg";
import { type BenchEvent, generateBatch } from "./payloads";

export interface RateOptions {
  /** Events per second. */
  rate: number;
  /** Seconds of ingestion. */
  duration: number;
  batch: number;
  /** Requests in flight at most; a request due while they are all out waits, and counts as late. */
  maxInFlight: number;
}

export type Post = (body: string, userAgent: string, index: number) => Promise<{ status: number; body: string }>;

interface LagSample {
  /** Seconds since ingestion started. */
  at: number;
  rollupLagS: number;
  sessionLagS: number;
}

export interface RateResult {
  sentEvents: number;
  wallS: number;
  latenciesMs: number[];
  /** Requests sent more than one interval after their scheduled time. */
  late: number;
  samples: LagSample[];
  /** After the last answer: seconds until both watermarks passed it (null: not within the wait). */
  catchUpS: number | null;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

const lagSql = `SELECT extract(epoch FROM clock_timestamp() - (SELECT watermark FROM rollup_state))::float8 AS rollup,
                       extract(epoch FROM clock_timestamp() - (SELECT watermark FROM session_state))::float8 AS session`;

async function sampleLag(db: pg.Client, at: number): Promise<LagSample> {
  const { rows } = await db.query<{ rollup: number; session: number }>(lagSql);
  return { at, rollupLagS: rows[0]!.rollup, sessionLagS: rows[0]!.session };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runAtRate(post: Post, db: pg.Client, options: RateOptions): Promise<RateResult> {
  const intervalMs = (1000 * options.batch) / options.rate;
  const total = Math.ceil((options.rate * options.duration) / options.batch);
  const samples: LagSample[] = [];
  const latenciesMs: number[] = [];
  let late = 0;
  let sentEvents = 0;
  let failure: Error | null = null;
  const started = performance.now();
  const elapsedS = () => (performance.now() - started) / 1000;

  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const sample = await sampleLag(db, elapsedS());
      samples.push(sample);
      if (samples.length % 30 === 0)
        process.stdout.write(
          `  ${fmt(sample.at)} s: ${fmt(sentEvents)} events sent; refresh lag: rollups ${fmt(sample.rollupLagS, 1)} s, sessions ${fmt(sample.sessionLagS, 1)} s\n`,
        );
      await sleep(1000);
    }
  })();

  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total && failure === null; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
    if (performance.now() - due > intervalMs) late++;
    const batch = generateBatch(options.batch);
    const events: BenchEvent[] = batch.events;
    const body = `{"sent_at":"${new Date().toISOString()}","events":${JSON.stringify(events)}}`;
    const sent = performance.now();
    const request = post(body, batch.userAgent, i).then(
      (res) => {
        if (res.status !== 202) failure = new Error(`request ${i} answered ${res.status}: ${res.body.slice(0, 300)}`);
        else {
          latenciesMs.push(performance.now() - sent);
          sentEvents += events.length;
        }
      },
      (error: unknown) => {
        failure = new Error(`request ${i} failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  const wallS = elapsedS();
  if (failure) {
    sampling = false;
    await sampler;
    throw failure;
  }

  // Catch-up: how long after the last answer both watermarks pass the database's clock at that moment.
  const { rows } = await db.query<{ now: string }>("SELECT clock_timestamp()::text AS now");
  const lastAnswer = rows[0]!.now;
  let catchUpS: number | null = null;
  const waitStarted = performance.now();
  while (performance.now() - waitStarted < 300_000) {
    const { rows: caught } = await db.query<{ caught: boolean }>(
      "SELECT (SELECT watermark FROM rollup_state) >= $1::timestamptz AND (SELECT watermark FROM session_state) >= $1::timestamptz AS caught",
      [lastAnswer],
    );
    if (caught[0]!.caught) {
      catchUpS = (performance.now() - waitStarted) / 1000;
      break;
    }
    await sleep(200);
  }
  sampling = false;
  await sampler;
  return { sentEvents, wallS, latenciesMs: latenciesMs.sort((a, b) => a - b), late, samples, catchUpS };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The summary lines: lag percentiles over the run, and its mean in each quarter (a lag that grows quarter by quarter is not keeping up). */
export function rateSummary(result: RateResult, options: RateOptions): [string, string][] {
  const wallDurationS = result.wallS;
  const during = result.samples.filter((s) => s.at <= wallDurationS);
  const stats = (pick: (s: LagSample) => number) => {
    const sorted = during.map(pick).sort((a, b) => a - b);
    const quarters = [0, 1, 2, 3].map((q) => {
      const part = during.filter((s) => s.at >= (q * wallDurationS) / 4 && s.at < ((q + 1) * wallDurationS) / 4);
      return part.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, part.length);
    });
    return `p50 ${fmt(percentile(sorted, 50), 1)} s, p95 ${fmt(percentile(sorted, 95), 1)} s, max ${fmt(sorted[sorted.length - 1] ?? NaN, 1)} s; mean by quarter of the run ${quarters.map((q) => fmt(q, 1)).join(" / ")} s`;
  };
  const lat = result.latenciesMs;
  return [
    [
      "target rate",
      `${fmt(options.rate)} events/s for ${fmt(options.duration)} s (${options.batch} events per request)`,
    ],
    [
      "achieved",
      `${fmt(result.sentEvents / result.wallS)} events/s (${fmt(result.sentEvents)} events in ${fmt(result.wallS, 1)} s); ${result.late} requests late`,
    ],
    [
      "latency",
      `p50 ${fmt(percentile(lat, 50), 1)} ms, p95 ${fmt(percentile(lat, 95), 1)} ms, p99 ${fmt(percentile(lat, 99), 1)} ms`,
    ],
    ["rollup lag", stats((s) => s.rollupLagS)],
    ["session lag", stats((s) => s.sessionLagS)],
    [
      "catch-up",
      result.catchUpS === null
        ? "the watermarks had not passed the last answer 5 minutes after it"
        : `both watermarks passed the last answer ${fmt(result.catchUpS, 1)} s after it`,
    ],
  ];
}
