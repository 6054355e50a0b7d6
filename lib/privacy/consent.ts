// The consent audit trail: every consent change a tracker or SDK reports (a $consent event, see the
// README) is appended to consent_records for its person (user id and/or anonymous id), once per
// event id. The table refuses updates and deletes (a trigger, migration privacy) except the erasure
// of one person, which says so for its own transaction. A withdrawal ("denied") in a project that
// purges on withdrawal queues the deletion of that person's events (deletion-jobs.ts); the trail
// itself stays, as the record that consent was withdrawn.
import "server-only";
import type pg from "pg";
import { type AdminPrincipal, projectForAdmin } from "../auth/admin-access";
import { getPool } from "../db/client";
import { ApiError } from "../errors";
import type { PreparedConsent } from "../ingest/prepare-batch";
import type { PersonId } from "./delete-person";
import { enqueuePersonDeletions, runDeletionJobsSoon } from "./deletion-jobs";

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Raised by lumen_assert_write_key (migration write_key_guard). */
const KEY_REVOKED = "LUKEY";

export interface RecordedConsents {
  /** Changes new to the trail (the others were sent before). */
  recorded: number;
  /** Deletions queued for withdrawals. */
  purges: number;
}

/**
 * Appends the changes (a resent event id is kept once). With `writeKeyHash`, the statement first
 * asserts that key is still active for the project, as the event write does. Withdrawals recorded
 * now queue their person's deletion when the project purges on withdrawal.
 */
export async function recordConsents(
  pool: pg.Pool,
  tenant: { organizationId: string; projectId: string; purgeOnWithdrawal: boolean },
  consents: PreparedConsent[],
  options: { writeKeyHash?: string } = {},
): Promise<RecordedConsents> {
  if (consents.length === 0) return { recorded: 0, purges: 0 };
  const keyCheck = options.writeKeyHash !== undefined && SHA256_HEX.test(options.writeKeyHash);
  const { rows } = await pool
    .query<{ user_id: string | null; anonymous_id: string | null; state: string }>(
      `WITH key AS (SELECT ${keyCheck ? "lumen_assert_write_key($9, $2)" : "NULL"} AS ok)
     INSERT INTO consent_records (organization_id, project_id, event_id, user_id, anonymous_id, state, source, recorded_at)
     SELECT $1, $2, c.* FROM key, unnest($3::uuid[], $4::text[], $5::text[], $6::"ConsentState"[], $7::text[], $8::timestamptz[]) c
     ON CONFLICT DO NOTHING
     RETURNING user_id, anonymous_id, state`,
      [
        tenant.organizationId,
        tenant.projectId,
        consents.map((c) => c.eventId),
        consents.map((c) => c.userId),
        consents.map((c) => c.anonymousId),
        consents.map((c) => c.state),
        consents.map((c) => c.source),
        consents.map((c) => c.recordedAt),
        ...(keyCheck ? [options.writeKeyHash] : []),
      ],
    )
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === KEY_REVOKED)
        throw new ApiError("unauthorized", "This API key has been revoked");
      throw error;
    });
  if (!tenant.purgeOnWithdrawal) return { recorded: rows.length, purges: 0 };
  const persons: PersonId[] = [];
  for (const row of rows.filter((r) => r.state === "denied")) {
    if (row.user_id) persons.push({ userId: row.user_id });
    if (row.anonymous_id) persons.push({ anonymousId: row.anonymous_id });
  }
  if (persons.length === 0) return { recorded: rows.length, purges: 0 };
  const purges = await enqueuePersonDeletions(tenant, persons, "consent_withdrawn");
  runDeletionJobsSoon();
  return { recorded: rows.length, purges };
}

export interface ConsentRecordView {
  event_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  state: string;
  source: string;
  recorded_at: string;
  received_at: string;
}

/** A person's trail, oldest first (owner/admin or an admin key). */
export async function listConsentTrail(
  admin: AdminPrincipal,
  projectId: string,
  person: PersonId,
): Promise<ConsentRecordView[]> {
  const project = await projectForAdmin(admin, projectId);
  const byUser = "userId" in person;
  const { rows } = await getPool().query<ConsentRecordView>(
    `SELECT event_id, user_id, anonymous_id, state::text, source,
            to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
            to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS received_at
     FROM consent_records
     WHERE organization_id = $1 AND project_id = $2 AND ${byUser ? "user_id" : "anonymous_id"} = $3
     ORDER BY recorded_at, received_at, event_id`,
    [project.organizationId, project.id, byUser ? person.userId : person.anonymousId],
  );
  return rows;
}

/**
 * Erases a person's trail: the only deletion the trail allows (an erasure request; a consent purge
 * keeps the trail). Returns how many records went.
 */
export async function eraseConsentTrail(pool: pg.Pool, projectId: string, person: PersonId): Promise<number> {
  const byUser = "userId" in person;
  const id = byUser ? person.userId : person.anonymousId;
  if (!id) throw new ApiError("invalid_request", "An erasure needs a user id or an anonymous id");
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL lumen.erasing_person = 'on'");
    const erased = await client.query(
      `DELETE FROM consent_records WHERE project_id = $1 AND ${byUser ? "user_id" : "anonymous_id"} = $2`,
      [projectId, id],
    );
    await client.query("COMMIT");
    return erased.rowCount ?? 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
