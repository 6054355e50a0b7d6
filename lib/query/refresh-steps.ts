// The refreshes' shared mechanism: fold what arrived since a watermark (by received_at) in bounded
// steps, one refresher at a time (a transaction-scoped advisory lock), each step its own transaction
// so progress is kept and memory stays flat. The hourly rollups (rollup-refresh.ts) and the session
// rollups (session-refresh.ts) each bring their own state table, lock and fold.
import "server-only";
import type pg from "pg";
import { READ_ONLY_POOL_NAMES, REFRESH_APPLICATION_NAME } from "../db/client";

/**
 * How far a fold may go: not past any transaction still running, whose events carry received_at =
 * its start time and would become visible only after the watermark moved on. Report queries'
 * transactions are left out: they run READ ONLY on their own pools and insert nothing, and a slow
 * one (up to its statement timeout) would otherwise hold every refresh back; so are the refreshes'
 * own (the session fold's step held the rollup fold's beside it, and a refresh waiting for the lock
 * held the one holding it: under several waiting callers, each waited for all the others' folds);
 * so are the server's own processes (autovacuum, which inserts nothing, held a waiting refresh once). The bounds are read in
 * their own statement, before the folding statement takes its snapshot, so a transaction that
 * commits in between is already visible to the fold rather than skipped.
 */
function boundsSql(stateTable: string): string {
  const insertsNoEvents = [...READ_ONLY_POOL_NAMES, REFRESH_APPLICATION_NAME].map((name) => `'${name}'`).join(", ");
  return `
SELECT low::text AS low, high::text AS high, (now() - interval '1 millisecond')::text AS goal
FROM (
  SELECT s.watermark AS low,
         LEAST(now(), COALESCE((
           SELECT min(xact_start) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
             AND backend_type = 'client backend' AND application_name NOT IN (${insertsNoEvents})
         ), now())) - interval '1 millisecond' AS high
  FROM ${stateTable} s WHERE s.id = 1
) b`;
}

// Where a step starts: the watermark, or just before the first arrival on a first refresh.
const stepStartSql = `
SELECT (CASE WHEN isfinite($1::timestamptz) THEN $1::timestamptz
             ELSE (SELECT min(received_at) FROM events) - interval '1 millisecond' END)::text AS start`;

// A step's end: at most stepMs past its start, and never past the refresh's target or the bounds.
const stepEndSql = `
SELECT upto::text, upto > $1::timestamptz AS advance, upto >= $2::timestamptz AS last
FROM (SELECT LEAST($2::timestamptz, $3::timestamptz, $4::timestamptz + $5 * interval '1 millisecond') AS upto) s`;

// The events of (low, upto], counted no further than one past the most a step may take.
const stepEventsSql = `
SELECT count(*)::int AS events
FROM (SELECT 1 FROM events WHERE received_at > $1::timestamptz AND received_at <= $2::timestamptz LIMIT $3) s`;

const FIRST_STEP_MS = 60_000;

export interface SteppedFold {
  /** The single-row table holding the watermark. */
  stateTable: "rollup_state" | "session_state";
  /** The advisory lock's name: one refresher of this kind at a time. */
  lock: string;
  workMem: string;
  /**
   * Events one step aims to fold: enough that a statement's fixed costs do not dominate, few enough
   * that its grouping stays in memory. A step longer than a millisecond never takes more than `high`.
   */
  stepEvents: { low: number; high: number };
  /**
   * Folds (low, upto] in the step's transaction and moves the watermark to upto; with `window` null
   * (nothing new) it may still do upkeep. Resolves to the rows it wrote.
   */
  fold(client: pg.PoolClient, window: { low: string; upto: string } | null): Promise<number>;
}

export interface SteppedFoldResult {
  rowsWritten: number;
  /** The watermark reached; null when another refresher held the lock from the start. */
  watermark: Date | null;
  skipped: boolean;
}

interface Step {
  rowsWritten: number;
  /** The step's length in milliseconds of received_at, once shrunk to hold at most stepEvents.high. */
  stepMs: number;
  events: number;
  /** The watermark after this step; null when another refresher held the lock. */
  watermark: string | null;
  done: boolean;
  /** Done short of the target: a write transaction older than the target was still open. */
  held: boolean;
  target: string;
}

async function foldStep(
  pool: pg.Pool,
  spec: SteppedFold,
  wait: boolean,
  target: string | null,
  requestedMs: number,
): Promise<Step> {
  let stepMs = requestedMs;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Before the lock: a refresh waiting for it must not hold back the one holding it.
    await client.query(`SET LOCAL application_name = '${REFRESH_APPLICATION_NAME}'`);
    const lock = wait ? "pg_advisory_xact_lock" : "pg_try_advisory_xact_lock";
    const { rows: locked } = await client.query<{ ok: boolean | string }>(
      `SELECT ${lock}(hashtext($1))::text <> 'false' AS ok`,
      [spec.lock],
    );
    if (!locked[0]?.ok) {
      await client.query("ROLLBACK");
      return { rowsWritten: 0, stepMs, events: 0, watermark: null, done: true, held: false, target: target ?? "" };
    }
    await client.query(`SET LOCAL work_mem = '${spec.workMem}'`);
    const { rows: bounds } = await client.query<{ low: string; high: string; goal: string }>(
      boundsSql(spec.stateTable),
    );
    const { low, high, goal } = bounds[0]!;
    // The first step fixes how far this refresh goes: later steps do not chase newer arrivals. A
    // waiting caller's refresh goes up to its own start, whatever write transactions hold `high` back.
    const end = target ?? (wait ? goal : high);
    // Events arrive in bursts (a backfill of history, a bulk import): a step holding more than
    // `high` is halved until it does not, before anything is folded.
    const { rows: started } = await client.query<{ start: string | null }>(stepStartSql, [low]);
    let step: { upto: string; advance: boolean; last: boolean; events: number };
    for (;;) {
      const { rows } = await client.query<{ upto: string; advance: boolean; last: boolean }>(stepEndSql, [
        low,
        end,
        high,
        started[0]!.start,
        stepMs,
      ]);
      const { rows: counted } = await client.query<{ events: number }>(stepEventsSql, [
        low,
        rows[0]!.upto,
        spec.stepEvents.high + 1,
      ]);
      step = { ...rows[0]!, events: counted[0]!.events };
      if (step.events <= spec.stepEvents.high || stepMs === 1) break;
      stepMs = Math.max(1, Math.floor(stepMs / 2));
    }
    const { upto, advance, last, events } = step;
    const rowsWritten = await spec.fold(client, advance ? { low, upto } : null);
    await client.query("COMMIT");
    return {
      rowsWritten,
      stepMs,
      events,
      watermark: advance ? upto : low,
      done: !advance || last,
      held: !advance && !last,
      target: end,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * How long a waiting refresh waits for write transactions older than its call to end (their events
 * would become visible behind the watermark) before it returns short of its target. Only callers
 * that just wrote events wait (tests, tools), and returning short breaks their promise, so the bound
 * only guards against a transaction left open: 20 s ran out on a busy two-core machine (load 26).
 */
const HELD_WAIT_MS = 300_000;
const HELD_POLL_MS = 100;

/**
 * Folds in what arrived since the watermark. The background job skips when another refresher holds
 * the lock; `wait` blocks for it instead, and for write transactions older than the call (another
 * refresh's, a person's deletion, a bulk import: they bound how far a fold may go), so everything
 * committed before the call is folded when it returns (what a caller that just wrote events needs).
 */
export async function foldInSteps(
  pool: pg.Pool,
  spec: SteppedFold,
  options: { wait?: boolean } = {},
): Promise<SteppedFoldResult> {
  let rowsWritten = 0;
  let watermark: string | null = null;
  let target: string | null = null;
  let stepMs = FIRST_STEP_MS;
  const started = performance.now();
  for (;;) {
    const step = await foldStep(pool, spec, options.wait ?? false, target, stepMs);
    if (step.watermark === null)
      return { rowsWritten, watermark: watermark ? new Date(watermark) : null, skipped: rowsWritten === 0 };
    rowsWritten += step.rowsWritten;
    watermark = step.watermark;
    target = step.target;
    if (step.held && performance.now() - started < HELD_WAIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, HELD_POLL_MS));
      continue;
    }
    if (step.done) return { rowsWritten, watermark: new Date(watermark), skipped: false };
    stepMs = step.events < spec.stepEvents.low ? step.stepMs * 2 : step.stepMs;
  }
}
