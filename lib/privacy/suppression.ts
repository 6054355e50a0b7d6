// Suppression: with the project's suppress_deleted_persons on, events arriving for a person whose
// deletion was requested are dropped at ingestion, so a deleted person stays deleted. The list keeps
// only each person's pseudonym (the audit log's keyed hash of project, kind of id and id), never an
// id: it holds no personal data of its own, and nobody reading it can tell whom it names.
//
// Ingestion checks each event against a per-process copy of the project's list (a Set, reloaded
// every minute, as the other privacy settings are): no query on the ingest path, and nothing at all
// for a project with the setting off or nobody on its list. A request made in this process joins
// the copy at once; other processes load it within a minute.
import "server-only";
import { type PersonIdKind, personPseudonym } from "../audit/person-pseudonym";
import { getPool } from "../db/client";

const CACHE_MS = 60_000;
const CACHE_PROJECTS = 1_000;
const lists = new Map<string, { pseudonyms: Set<string>; until: number }>();

/** A person just put on the project's list (deletion-requests.ts, once committed): this process applies it at once. */
export function noteSuppression(projectId: string, pseudonym: string): void {
  lists.get(projectId)?.pseudonyms.add(pseudonym);
}

async function listOf(projectId: string, now: number): Promise<Set<string>> {
  const cached = lists.get(projectId);
  if (cached && cached.until > now) return cached.pseudonyms;
  const { rows } = await getPool().query<{ person_pseudonym: string }>(
    "SELECT person_pseudonym FROM person_suppressions WHERE project_id = $1",
    [projectId],
  );
  const pseudonyms = new Set(rows.map((row) => row.person_pseudonym));
  if (lists.size >= CACHE_PROJECTS) lists.clear();
  lists.set(projectId, { pseudonyms, until: now + CACHE_MS });
  return pseudonyms;
}

export interface PersonIds {
  userId: string | null;
  anonymousId: string | null;
}

/**
 * Whether an event's person is on the project's list, or null when nothing can be (the setting is off
 * or the list is empty), so the caller skips the check. A user id matches a deletion by that user id,
 * an anonymous id one by that anonymous id (whose deletion took identified events too).
 */
export async function suppressionCheck(
  projectId: string,
  enabled: boolean,
  now = Date.now(),
): Promise<((person: PersonIds) => boolean) | null> {
  if (!enabled) return null;
  const pseudonyms = await listOf(projectId, now);
  if (pseudonyms.size === 0) return null;
  const listed = (kind: PersonIdKind, id: string | null) =>
    id !== null && pseudonyms.has(personPseudonym(projectId, kind, id));
  return (person) => listed("user_id", person.userId) || listed("anonymous_id", person.anonymousId);
}
