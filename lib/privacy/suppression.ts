// Suppression: with the project's suppress_deleted_persons on, events arriving for a person whose
// deletion was requested are dropped at ingestion, so a deleted person stays deleted. The list keeps
// only a keyed hash of each person (project, kind of id and id, under a key derived from the instance
// secret), never an id: it holds no personal data of its own, and nobody reading it can tell whom
// it names.
//
// Ingestion checks each event against a per-process copy of the project's list (a Set, reloaded
// every minute, as the other privacy settings are): no query on the ingest path, and nothing at all
// for a project with the setting off or nobody on its list. A request made in this process joins
// the copy at once; other processes load it within a minute. The hash is a one-shot SHA-256 of the
// key and the id rather than an HMAC (a third of the cost: it runs for every event): the output is
// only ever compared for equality, so length extension gives nothing.
import "server-only";
import { createHmac, hash } from "node:crypto";
import type pg from "pg";
import type { PersonIdKind } from "../audit/person-pseudonym";
import { getPool } from "../db/client";
import { getInstanceSecret } from "../secrets";

const CACHE_MS = 60_000;
const CACHE_PROJECTS = 1_000;
const lists = new Map<string, { hashes: Set<string>; until: number }>();

let key: string | undefined;

/** The person as the suppression list names them. */
export function suppressionHash(projectId: string, kind: PersonIdKind, id: string): string {
  key ??= createHmac("sha256", getInstanceSecret()).update("lumen suppression list").digest("hex");
  return hash("sha256", `${key}\0${projectId}\0${kind}\0${id}`, "base64url").slice(0, 22);
}

/** A person just put on the project's list (deletion-requests.ts, once committed): this process applies it at once. */
export function noteSuppression(projectId: string, personHash: string): void {
  lists.get(projectId)?.hashes.add(personHash);
}

async function listOf(projectId: string, now: number): Promise<Set<string>> {
  const cached = lists.get(projectId);
  if (cached && cached.until > now) return cached.hashes;
  const { rows } = await getPool().query<{ person_hash: string }>(
    "SELECT person_hash FROM person_suppressions WHERE project_id = $1",
    [projectId],
  );
  const hashes = new Set(rows.map((row) => row.person_hash));
  if (lists.size >= CACHE_PROJECTS) lists.clear();
  lists.set(projectId, { hashes, until: now + CACHE_MS });
  return hashes;
}

export interface PersonIds {
  userId: string | null;
  anonymousId: string | null;
}

/**
 * Whether an event's person is on the project's list, or null when nothing can be (the setting is off
 * or the list is empty), so the caller skips the check. A user id matches a deletion by that user id,
 * an anonymous id one by that anonymous id (whose deletion took identified events too). One check
 * serves one batch, whose events mostly repeat a few ids: each id is hashed once.
 */
export async function suppressionCheck(
  projectId: string,
  enabled: boolean,
  now = Date.now(),
): Promise<((person: PersonIds) => boolean) | null> {
  if (!enabled) return null;
  const hashes = await listOf(projectId, now);
  if (hashes.size === 0) return null;
  const seen = new Map<string, boolean>();
  const listed = (kind: PersonIdKind, id: string | null) => {
    if (id === null) return false;
    const memo = `${kind}\0${id}`;
    let found = seen.get(memo);
    if (found === undefined) {
      found = hashes.has(suppressionHash(projectId, kind, id));
      seen.set(memo, found);
    }
    return found;
  };
  return (person) => listed("user_id", person.userId) || listed("anonymous_id", person.anonymousId);
}

/**
 * Puts more ids of a person already on the project's list there too (the ids a deletion found linked
 * to the one asked for: the person is all their ids). Idempotent.
 */
export async function suppressLinkedIds(
  pool: pg.Pool,
  tenant: { organizationId: string; projectId: string },
  ids: { kind: PersonIdKind; id: string }[],
): Promise<void> {
  if (ids.length === 0) return;
  const hashes = ids.map((person) => suppressionHash(tenant.projectId, person.kind, person.id));
  await pool.query(
    `INSERT INTO person_suppressions (organization_id, project_id, person_hash)
     SELECT $1::uuid, $2::uuid, h FROM unnest($3::text[]) h ON CONFLICT DO NOTHING`,
    [tenant.organizationId, tenant.projectId, hashes],
  );
  for (const personHash of hashes) noteSuppression(tenant.projectId, personHash);
}
