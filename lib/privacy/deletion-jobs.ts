// Person deletions as durable jobs (person_deletions): queued by consent withdrawals (consent.ts),
// run by whichever app process gets to them first (FOR UPDATE SKIP LOCKED), one at a time per
// process. A job survives a restart: one whose process stopped (no heartbeat for a while) is taken
// up again, and deletePersonEvents picks up where the last run left off (it deletes what is left).
// The deletion API of issue 18 can queue requests here too (reason "request").
import "server-only";
import type pg from "pg";
import { getPool } from "../db/client";
import { log } from "../log";
import { deletePersonEvents, type PersonId } from "./delete-person";

export type DeletionReason = "consent_withdrawn" | "request";

/** A running job whose heartbeat is older than this was left by a stopped process. */
const STALE_AFTER = "10 minutes";
/** Attempts before a job is marked failed (with its last error). */
const MAX_ATTEMPTS = 5;

/** Queues one job per identifier; returns how many. */
export async function enqueuePersonDeletions(
  pool: pg.Pool,
  tenant: { organizationId: string; projectId: string },
  persons: PersonId[],
  reason: DeletionReason,
): Promise<number> {
  const { rowCount } = await pool.query(
    `INSERT INTO person_deletions (id, organization_id, project_id, user_id, anonymous_id, reason)
     SELECT gen_random_uuid(), $1, $2, p.user_id, p.anonymous_id, $5 FROM unnest($3::text[], $4::text[]) AS p(user_id, anonymous_id)`,
    [
      tenant.organizationId,
      tenant.projectId,
      persons.map((p) => ("userId" in p ? p.userId : null)),
      persons.map((p) => ("anonymousId" in p ? p.anonymousId : null)),
      reason,
    ],
  );
  return rowCount ?? 0;
}

interface ClaimedJob {
  id: string;
  project_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  attempts: number;
}

async function claimJob(pool: pg.Pool): Promise<ClaimedJob | null> {
  const { rows } = await pool.query<ClaimedJob>(
    `UPDATE person_deletions SET status = 'running', started_at = now(), heartbeat_at = now(), attempts = attempts + 1
     WHERE id = (
       SELECT id FROM person_deletions
       WHERE status = 'pending' OR (status = 'running' AND heartbeat_at < now() - interval '${STALE_AFTER}')
       ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED
     )
     RETURNING id, project_id, user_id, anonymous_id, attempts`,
  );
  return rows[0] ?? null;
}

async function runJob(pool: pg.Pool, job: ClaimedJob): Promise<void> {
  const person: PersonId = job.user_id !== null ? { userId: job.user_id } : { anonymousId: job.anonymous_id ?? "" };
  try {
    const result = await deletePersonEvents(job.project_id, person, {
      pool,
      onBatch: async (progress) => {
        await pool.query("UPDATE person_deletions SET heartbeat_at = now(), events_deleted = $2 WHERE id = $1", [
          job.id,
          progress.events,
        ]);
      },
    });
    await pool.query(
      "UPDATE person_deletions SET status = 'done', finished_at = now(), events_deleted = $2, error = NULL WHERE id = $1",
      [job.id, result.events],
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn("a person's deletion failed", { job: job.id, attempt: job.attempts, error: message });
    await pool.query(
      `UPDATE person_deletions SET status = CASE WHEN attempts >= ${MAX_ATTEMPTS} THEN 'failed' ELSE 'pending' END::"PersonDeletionStatus",
              finished_at = CASE WHEN attempts >= ${MAX_ATTEMPTS} THEN now() END, error = $2
       WHERE id = $1`,
      [job.id, message.slice(0, 1000)],
    );
  }
}

let running: Promise<number> | null = null;
let again = false;

/** Runs queued jobs until none is left; returns how many ran. One run at a time per process: a call during a run makes it look again. */
export function runDeletionJobs(pool: pg.Pool = getPool()): Promise<number> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let ran = 0;
    try {
      do {
        again = false;
        for (let job = await claimJob(pool); job; job = await claimJob(pool)) {
          await runJob(pool, job);
          ran++;
        }
      } while (again);
      return ran;
    } finally {
      running = null;
    }
  })();
  return running;
}

/** Starts the queued jobs without waiting for them (after a withdrawal was recorded). */
export function runDeletionJobsSoon(): void {
  runDeletionJobs().catch((error: unknown) =>
    log.warn("could not run person deletions", { error: error instanceof Error ? error.message : String(error) }),
  );
}
