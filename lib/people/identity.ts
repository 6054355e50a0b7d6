// One person out of several ids: a visitor browses under an anonymous id, then signs in, and from
// then on their events carry the user id too (trackers keep the anonymous id alongside). Their
// history is the user id's events and the anonymous-only events of every anonymous id seen on them,
// whichever id was looked up. Every read goes through the actor index, as person-events.ts does:
// - a user id's anonymous ids are on its own events (their actor is the user id's hash);
// - an anonymous id's user is found on the identified events around its last anonymous-only event
//   (the sign-in follows the last anonymous event, or an anonymous visit follows a sign-out), within
//   IDENTIFY_WINDOW either side: a range of the project's primary key, never a scan of its history.
//   An anonymous id identified as several users (a shared device) stays its own person when looked
//   up; each of those users' histories holds its anonymous visits (every device they signed in on).
import "server-only";
import type pg from "pg";
import { type PersonTenant, readPersonEvents } from "./person-events";
import type { PersonRef } from "./schemas";

/** Anonymous ids one history merges at most: each is one more read per page. */
export const MAX_LINKED_ANONYMOUS_IDS = 10;
const IDENTIFY_WINDOW = "1 day";

export interface PersonIdentity {
  userId: string | null;
  anonymousIds: string[];
}

/** The refs whose events make the identity's history (disjoint: a user's events, then anonymous-only ones). */
export function refsOf(identity: PersonIdentity): PersonRef[] {
  return [
    ...(identity.userId !== null ? [{ userId: identity.userId }] : []),
    ...identity.anonymousIds.map((anonymousId) => ({ anonymousId })),
  ];
}

/**
 * The anonymous ids on a user's events (the first `limit` in order, or all), in two steps: the user's
 * timestamps from the actor index, then those rows by primary key (0.4 s at 10M events for a user
 * with 200 events; reading the actor bucket's rows took 6.6 s).
 */
export async function anonymousIdsOfUser(
  db: Pick<pg.PoolClient, "query">,
  tenant: PersonTenant,
  userId: string,
  limit: number | null = null,
): Promise<string[]> {
  const { rows } = await db.query<{ anonymous_id: string }>(
    `WITH stamps AS MATERIALIZED (
       SELECT DISTINCT e.timestamp FROM events e
       WHERE e.organization_id = $1 AND e.project_id = $2
         AND (e.actor & 63)::smallint = (hashtextextended($3, 0) & 63)::smallint AND e.actor = hashtextextended($3, 0)
     )
     SELECT DISTINCT e.anonymous_id FROM stamps s
     JOIN events e ON e.organization_id = $1 AND e.project_id = $2 AND e.timestamp = s.timestamp
     WHERE e.actor = hashtextextended($3, 0) AND e.user_id = $3 AND e.anonymous_id IS NOT NULL
     ORDER BY 1 LIMIT $4`,
    [tenant.organizationId, tenant.projectId, userId, limit],
  );
  return rows.map((r) => r.anonymous_id);
}

export async function userOfAnonymousId(
  db: pg.PoolClient,
  tenant: PersonTenant,
  anonymousId: string,
): Promise<string | null> {
  const [last] = await readPersonEvents(db, tenant, { anonymousId }, { order: "desc", limit: 1 });
  if (!last) return null;
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT DISTINCT e.user_id FROM events e
     WHERE e.organization_id = $1 AND e.project_id = $2
       AND e.timestamp >= $4::timestamptz - $5::interval AND e.timestamp < $4::timestamptz + $5::interval
       AND e.anonymous_id = $3 AND e.user_id IS NOT NULL
     LIMIT 2`,
    [tenant.organizationId, tenant.projectId, anonymousId, last.timestamp, IDENTIFY_WINDOW],
  );
  return rows.length === 1 ? rows[0]!.user_id : null;
}

/**
 * The identity of the id looked up: the user with their anonymous ids (at most `limit`, the People
 * view's cap; null for all, as an export takes them), or an anonymous id alone.
 */
export async function resolveIdentity(
  db: pg.PoolClient,
  tenant: PersonTenant,
  person: PersonRef,
  limit: number | null = MAX_LINKED_ANONYMOUS_IDS,
): Promise<PersonIdentity> {
  const userId = "userId" in person ? person.userId : await userOfAnonymousId(db, tenant, person.anonymousId);
  if (userId === null) return { userId: null, anonymousIds: ["anonymousId" in person ? person.anonymousId : ""] };
  const anonymousIds = await anonymousIdsOfUser(db, tenant, userId, limit);
  // The id looked up stays in its own history, whatever the cap kept.
  if ("anonymousId" in person && !anonymousIds.includes(person.anonymousId)) anonymousIds.push(person.anonymousId);
  return { userId, anonymousIds };
}

type ReadOptions = Parameters<typeof readPersonEvents>[3];

/** Up to `limit` events of the identity's history in `order`, after the cursor: each id's, merged. */
export async function readIdentityEvents(
  db: pg.PoolClient,
  tenant: PersonTenant,
  identity: PersonIdentity,
  options: ReadOptions,
) {
  const rows = [];
  // One client, one statement at a time: read in turn, then merged.
  for (const ref of refsOf(identity)) rows.push(...(await readPersonEvents(db, tenant, ref, options)));
  const sign = options.order === "desc" ? -1 : 1;
  rows.sort(
    (a, b) =>
      sign *
      (a.timestamp.getTime() - b.timestamp.getTime() ||
        (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0)),
  );
  return rows.slice(0, options.limit);
}
