// Person deletions as durable jobs (person_deletions): queued by consent withdrawals (consent.ts),
// run by whichever app process gets to them first (FOR UPDATE SKIP LOCKED), one at a time per
// process. A job survives a restart: one whose process stopped (no heartbeat for a while) is taken
// up again, and deletePersonEvents picks up where the last run left off (it deletes what is left).
// The deletion API of issue 18 can queue requests here too (reason "request").
import "server-only";
import type pg from "pg";
import { personPseudonym } from "../audit/person-pseudonym";
import { OPERATOR, recordAudit } from "../audit/record";
import { getPool, getPrisma } from "../db/client";
import { log } from "../log";
import { deletePersonEvents, type PersonId } from "./delete-person";
import { suppressLinkedIds } from "./suppression";

export type DeletionReason = "consent_withdrawn" | "request";

/** A running job whose heartbeat is older than this was left by a stopped process. */
const STALE_AFTER = "10 minutes";
/** Attempts before a job is marked failed (with its last error). */
const MAX_ATTEMPTS = 5;

/**
 * Queues one job per identifier and records each request in the audit log (the operator acts: a
 * consent withdrawal has no signed-in actor), in one transaction; returns how many.
 */
export async function enqueuePersonDeletions(
  tenant: { organizationId: string; projectId: string },
  persons: PersonId[],
  reason: DeletionReason,
): Promise<number> {
  const { organizationId, projectId } = tenant;
  const userIds = persons.map((p) => ("userId" in p ? p.userId : null));
  const anonymousIds = persons.map((p) => ("anonymousId" in p ? p.anonymousId : null));
  const pseudonyms = persons.map((p) =>
    "userId" in p
      ? personPseudonym(projectId, "user_id", p.userId)
      : personPseudonym(projectId, "anonymous_id", p.anonymousId),
  );
  return getPrisma().$transaction(async (tx) => {
    const jobs = await tx.$queryRaw<{ id: string; id_kind: string; person_pseudonym: string }[]>`
      INSERT INTO person_deletions (id, organization_id, project_id, user_id, anonymous_id, reason, id_kind, person_pseudonym)
      SELECT gen_random_uuid(), ${organizationId}::uuid, ${projectId}::uuid, p.user_id, p.anonymous_id, ${reason},
             CASE WHEN p.user_id IS NOT NULL THEN 'user_id' ELSE 'anonymous_id' END, p.pseudonym
      FROM unnest(${userIds}::text[], ${anonymousIds}::text[], ${pseudonyms}::text[]) AS p(user_id, anonymous_id, pseudonym)
      RETURNING id::text, id_kind, person_pseudonym`;
    for (const job of jobs)
      await recordAudit(tx, {
        organizationId,
        projectId,
        actor: OPERATOR,
        action: "privacy.person_deletion_requested",
        target: { type: "deletion", id: job.id },
        details: { id_kind: job.id_kind, person: job.person_pseudonym, reason },
      });
    return jobs.length;
  });
}

interface ClaimedJob {
  id: string;
  organization_id: string;
  project_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  id_kind: string | null;
  person_pseudonym: string | null;
  reason: string;
  attempts: number;
}

/** The next job to run (or that one job, when given), marked running; null when there is none free. */
async function claimJob(pool: pg.Pool, only?: string): Promise<ClaimedJob | null> {
  const { rows } = await pool.query<ClaimedJob>(
    `UPDATE person_deletions SET status = 'running', started_at = now(), heartbeat_at = now(), attempts = attempts + 1
     WHERE id = (
       SELECT id FROM person_deletions
       WHERE (status = 'pending' OR (status = 'running' AND heartbeat_at < now() - interval '${STALE_AFTER}'))
         AND ($1::uuid IS NULL OR id = $1::uuid)
       ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED
     )
     RETURNING id, organization_id, project_id, user_id, anonymous_id, id_kind, person_pseudonym, reason, attempts`,
    [only ?? null],
  );
  return rows[0] ?? null;
}

/**
 * A job that ended (done, or failed for good): the person's id leaves the job (it keeps the kind of
 * id and the pseudonym), and the audit log records the end, in one transaction.
 */
async function finishJob(
  job: ClaimedJob,
  outcome: { status: "done"; events: number } | { status: "failed"; error: string },
): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    const error = outcome.status === "failed" ? outcome.error : null;
    const events = outcome.status === "done" ? outcome.events : null;
    const [row] = await tx.$queryRaw<{ events_deleted: bigint }[]>`
      UPDATE person_deletions
      SET status = ${outcome.status}::"PersonDeletionStatus", finished_at = now(), error = ${error},
          events_deleted = COALESCE(${events}::bigint, events_deleted), user_id = NULL, anonymous_id = NULL
      WHERE id = ${job.id}::uuid
      RETURNING events_deleted`;
    await recordAudit(tx, {
      organizationId: job.organization_id,
      projectId: job.project_id,
      actor: OPERATOR,
      action: "privacy.person_deletion_finished",
      target: { type: "deletion", id: job.id },
      details: {
        status: outcome.status,
        events_deleted: Number(row?.events_deleted ?? 0),
        reason: job.reason,
        id_kind: job.id_kind,
        person: job.person_pseudonym,
      },
    });
  });
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
    // A request put the id asked for on the suppression list: the person's other ids join it.
    if (job.reason === "request")
      await suppressLinkedIds(pool, { organizationId: job.organization_id, projectId: job.project_id }, [
        ...(result.linked.userId !== null ? [{ kind: "user_id" as const, id: result.linked.userId }] : []),
        ...result.linked.anonymousIds.map((id) => ({ kind: "anonymous_id" as const, id })),
      ]);
    await finishJob(job, { status: "done", events: result.events });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    log.warn("a person's deletion failed", { job: job.id, attempt: job.attempts, error: message });
    if (job.attempts >= MAX_ATTEMPTS) await finishJob(job, { status: "failed", error: message });
    else
      await pool.query("UPDATE person_deletions SET status = 'pending', error = $2 WHERE id = $1", [job.id, message]);
  }
}

/**
 * Runs one job here if it is free (the CLI's --wait), else waits while another process runs it;
 * resolves once it has ended (done or failed) or, if never, after `timeoutMs`.
 */
export async function runDeletionJob(
  id: string,
  { pool = getPool(), pollMs = 500, timeoutMs = 3_600_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await claimJob(pool, id);
    if (job) await runJob(pool, job);
    const { rows } = await pool.query<{ status: string }>("SELECT status FROM person_deletions WHERE id = $1", [id]);
    const status = rows[0]?.status;
    if (status === undefined || status === "done" || status === "failed" || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
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
