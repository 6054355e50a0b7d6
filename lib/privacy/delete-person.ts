// Deleting one person's events: every raw event carrying their id, in every partition, their
// idempotency ledger entries (event_keys), and their traces in every table derived from raw events,
// so that afterwards every report, from rollups or raw, equals the report computed as if that person
// had never been tracked. The building block of consent purges (lib/privacy/deletion-jobs.ts) and of
// deletion requests.
//
// Who: a person is all their ids, as the People view merges them (lib/people/identity.ts). A user
// id's deletion also takes the anonymous-only events of every anonymous id seen on the user's events
// (their visits before signing in, on every device); an anonymous id identified as one user is that
// user, whole; an anonymous id never identified, or identified as several users (a shared device), is
// its own anonymous-only events (the identified events carrying it are those users', and go with them).
//
// How, without locking ingestion, at a cost that follows the person's data, not the project's:
// 1. Each id's events are found (a read, no locks) through the actor index (an event's actor is the
//    hash of its user id, else its anonymous id): a user id's events, an anonymous id's events
//    without a user id. The linked anonymous ids come first, then the user id (collecting the
//    anonymous ids on the rows it deletes: one arriving meanwhile is taken too), then the anonymous
//    id asked for: a job taken up again after a stop still finds every id from what is left.
// 2. They are deleted in batches, each its own transaction of at most BATCH_EVENTS events within
//    BATCH_HOURS distinct hours. A batch takes both refresh locks (the refreshes wait for it,
//    ingestion does not), deletes the rows and their ledger entries, then each derived table's
//    cleaner (DERIVED_TABLES, recompute-derived.ts) takes out what those events put in: counts are
//    subtracted, the person's bits cleared where nothing of theirs is left, the sessions they were
//    in folded again from their remaining events. Nothing is rebuilt whole. A report's snapshot
//    sees each batch either before or after, never half-done.
// 3. Steps 1-2 repeat per id until a search finds nothing: events that arrived meanwhile go too.
// 4. The cleaners that work once at the end run: the person's entries in the actor numbering
//    (project_actors) lose their hash once no event of theirs is left; the number stays taken, so
//    no later visitor inherits a bit of it.
import "server-only";
import type pg from "pg";
import { getPool } from "../db/client";
import { ApiError } from "../errors";
import { anonymousIdsOfUser, userOfAnonymousId } from "../people/identity";
import { removeDeletedFromCountSlices } from "../query/count-slices-refresh";
import { recomputeFirstSeen } from "../query/first-seen-refresh";
import { clearDeletedFromGoalBitmaps } from "../query/goal-bitmaps-refresh";
import { ROLLED_DIMENSIONS } from "../query/rollups";
import { EVENTS_CHANNEL } from "../realtime/hub";
import {
  type DeletedEvents,
  deletePropertyEvents,
  rebuildDailyBitmaps,
  recomputeDailyCounts,
  recomputeFilteredBitmaps,
  recomputeHourlyRollups,
  recomputeSessions,
} from "./recompute-derived";

/** The id a deletion was asked for: the person it names is found from it (see above). */
export type PersonId = { userId: string } | { anonymousId: string };

/** The counters of PersonDeletionResult a derived table's cleaner adds to. */
type RecomputedCounter = "hours" | "bitmaps" | "counts" | "sessions" | "firstSeen" | "properties" | "actors";

/** One derived table's (or a few built together) cleaner: per batch, once at the end, or both. */
interface DerivedTable {
  tables: readonly string[];
  /** In each batch's transaction: brings the tables in line with raw events after the rows in `deleted` went; returns what it recomputed. */
  recompute?(client: pg.PoolClient, deleted: DeletedEvents): Promise<number>;
  /** Once, after the last batch, in its own transaction: with every actor the batches saw; returns what it changed. */
  finish?(client: pg.PoolClient, tenant: Tenant, actors: string[]): Promise<number>;
  counter: RecomputedCounter;
}

/**
 * Every table derived from raw events, in the order they are cleaned (a table built from another
 * comes after it). A new derived table is one more entry here, or a person's deletion leaves their
 * traces in it. The per-project state tables (rollup_daily_state, event_counts_state, count_slice_state,
 * mixed_actor_state, pair_state, first_seen_bitmap_state) hold only a time zone each (goal_bitmap_state a
 * goal's definition too); session_spans is
 * kept by recomputeSessions.
 */
export const DERIVED_TABLES: readonly DerivedTable[] = [
  { tables: ["event_rollups"], recompute: recomputeHourlyRollups, counter: "hours" },
  { tables: ["event_actor_bitmaps", "dimension_actor_bitmaps"], recompute: rebuildDailyBitmaps, counter: "bitmaps" },
  {
    tables: ["mixed_actor_bitmaps", "mixed_actor_days", "pair_actor_bitmaps", "pair_complete_bitmaps"],
    recompute: recomputeFilteredBitmaps,
    counter: "bitmaps",
  },
  { tables: ["event_counts_daily"], recompute: recomputeDailyCounts, counter: "counts" },
  { tables: ["actor_count_slices"], recompute: removeDeletedFromCountSlices, counter: "bitmaps" },
  {
    tables: [
      "session_fragments",
      "session_counts",
      "session_key_values",
      "session_spans",
      "session_paths",
      "session_path_events",
      "session_path_counts",
    ],
    recompute: recomputeSessions,
    counter: "sessions",
  },
  // Whole rows per actor, recomputed from their remaining events whatever the watermark.
  {
    tables: ["actor_first_seen", "first_seen_hourly", "first_seen_bitmaps"],
    recompute: recomputeFirstSeen,
    counter: "firstSeen",
  },
  { tables: ["goal_actor_bitmaps"], recompute: clearDeletedFromGoalBitmaps, counter: "bitmaps" },
  // Where each event's properties are: the deleted events' rows go, whatever the watermark.
  { tables: ["property_events"], recompute: deletePropertyEvents, counter: "properties" },
  // Last: the numbering is what every bitmap's bits refer to.
  { tables: ["project_actors"], finish: eraseActors, counter: "actors" },
];

/** The refreshes' advisory locks (lib/query/rollup-refresh.ts, session-refresh.ts): the watermarks hold still. */
const REFRESH_LOCKS = ["lumen_rollup_refresh", "lumen_session_refresh"];

/**
 * Events per batch transaction, and distinct UTC hours. Each batch has a fixed cost (some forty
 * statements, a few over the days and hours it touches) and holds the refreshes back while it runs:
 * large enough that the fixed cost is small beside the events', small enough that a batch takes
 * seconds, not minutes.
 */
const BATCH_EVENTS = 10_000;
const BATCH_HOURS = 7 * 24;
/** Timestamps read per search (each one or a few events): memory stays bounded whatever the person's history. */
const SEARCH_LIMIT = 100_000;

export interface PersonDeletionResult {
  events: number;
  eventKeys: number;
  /** Hours of hourly rollups recomputed (an hour touched by several batches counts each time). */
  hours: number;
  /** Daily bitmaps (per name, dimension value or pair of values, per chunk) changed, and mixed actor days looked at. */
  bitmaps: number;
  /** Daily count combinations (event_counts_daily) the person's events were taken out of. */
  counts: number;
  sessions: number;
  /** Actors whose first seen (actor_first_seen) was recomputed or removed. */
  firstSeen: number;
  /** property_events rows of the person's events removed. */
  properties: number;
  /** project_actors entries whose hash was erased. */
  actors: number;
  batches: number;
  /** The person's other ids: anonymous ids seen on their user id's events (besides one asked for), and the user id an anonymous id asked for was identified as. */
  linked: { userId: string | null; anonymousIds: string[] };
}

type Tenant = { organizationId: string; projectId: string };

export interface DeletePersonOptions {
  pool?: pg.Pool;
  /** Called after each batch commits (progress for jobs; tests interleave work). */
  onBatch?: (progress: PersonDeletionResult) => void | Promise<void>;
}

interface EventKey {
  ts: string;
  event_id: string;
  session_id: string | null;
}

/**
 * The search for one id's remaining events, oldest first: a user id's events, or an anonymous id's
 * events without a user id. As the People view reads a person (lib/people/person-events.ts), in two
 * steps: the timestamps of the events whose actor is the id's hash, from the actor index alone
 * (organization, project, name, actor bucket, timestamp) INCLUDE (actor), an index-only read of the
 * hash's bucket (1/64 of the project's index) with no table row read; then those rows by primary
 * key, keeping the id's own (another string could share the hash, and a user id can equal an
 * anonymous id). Reading the bucket's rows instead costs a table read per event of 1/64 of the
 * project (9 s at 10M events for an anonymous id with 10 events; 0.5 s in two steps). Both steps are
 * materialized: with ORDER BY ... LIMIT on the scan itself, the planner may walk the project's
 * whole primary key in time order instead.
 */
function searchQuery(tenant: Tenant, person: PersonId) {
  const [id, whose] =
    "userId" in person
      ? [person.userId, "e.user_id = $3"]
      : [person.anonymousId, "e.user_id IS NULL AND e.anonymous_id = $3"];
  return {
    text: `
    WITH stamps AS MATERIALIZED (
      SELECT DISTINCT e.timestamp FROM events e
      WHERE e.organization_id = $1 AND e.project_id = $2
        AND (e.actor & 63)::smallint = (hashtextextended($3, 0) & 63)::smallint AND e.actor = hashtextextended($3, 0)
        AND e.timestamp > $4::timestamptz
    ),
    page AS MATERIALIZED (SELECT timestamp FROM stamps ORDER BY timestamp LIMIT ${SEARCH_LIMIT}),
    found AS MATERIALIZED (
      SELECT e.timestamp, e.event_id, e.session_id FROM page p
      JOIN events e ON e.organization_id = $1 AND e.project_id = $2 AND e.timestamp = p.timestamp
      WHERE e.actor = hashtextextended($3, 0) AND ${whose}
    )
    SELECT (SELECT count(*) FROM page)::int AS timestamps, (SELECT max(timestamp)::text FROM page) AS last,
           COALESCE((SELECT json_agg(json_build_object('ts', timestamp::text, 'event_id', event_id, 'session_id', session_id) ORDER BY timestamp) FROM found), '[]') AS keys`,
    values: [tenant.organizationId, tenant.projectId, id],
  };
}

/**
 * The next batch: up to BATCH_EVENTS keys within BATCH_HOURS distinct hours, ending before the
 * session that would straddle its end, unless that session fills it: a session a batch takes whole
 * is taken out of the session rollups without reading (recomputeSessions), one it cuts is folded
 * again from the events of its time.
 */
function nextBatch(keys: EventKey[], from: number): EventKey[] {
  const hours = new Set<string>();
  let end = from;
  while (end < keys.length && end - from < BATCH_EVENTS) {
    const hour = keys[end]!.ts.slice(0, 13);
    if (!hours.has(hour) && hours.size === BATCH_HOURS) break;
    hours.add(hour);
    end++;
  }
  const straddling = keys[end]?.session_id;
  if (straddling) {
    let cut = end;
    while (cut > from && keys[cut - 1]!.session_id === straddling) cut--;
    if (cut > from) end = cut;
  }
  return keys.slice(from, end);
}

const DELETED_TABLE = "person_deleted";
/** What the derived tables need of each deleted row (recompute-derived.ts). */
const rolledColumns = [...new Set(Object.values(ROLLED_DIMENSIONS))];
const deletedColumns = [
  "event_id",
  "timestamp",
  "received_at",
  "session_id",
  "actor",
  "user_id",
  "anonymous_id",
  "name",
  ...rolledColumns,
];

interface BatchDone {
  events: number;
  eventKeys: number;
  recomputed: number[];
  actors: string[];
  /** The anonymous ids on the deleted rows that carried a user id. */
  anonymousIds: string[];
}

/** One batch, in one transaction: rows, ledger entries, derived tables. Returns what it did and the actors it saw. */
async function deleteBatch(client: pg.PoolClient, tenant: Tenant, keys: EventKey[]): Promise<BatchDone> {
  let done: BatchDone;
  await client.query("BEGIN");
  try {
    for (const lock of REFRESH_LOCKS) await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lock]);
    await client.query("SET LOCAL work_mem = '128MB'");
    // Shaped like events (the rows' own types), with the timestamp as ts.
    await client.query(
      `CREATE TEMP TABLE ${DELETED_TABLE} ON COMMIT DROP AS SELECT ${deletedColumns.join(", ")} FROM events WITH NO DATA;
       ALTER TABLE ${DELETED_TABLE} RENAME COLUMN "timestamp" TO ts`,
    );
    // By primary key, the timestamps first: the executor reads only the partitions they fall in. Event
    // ids are unique in a project, so matching any of the batch's ids is matching the batch.
    const deleted = await client.query(
      `WITH gone AS (
         DELETE FROM events e
         WHERE e.organization_id = $1 AND e.project_id = $2 AND e.timestamp = ANY($3::timestamptz[]) AND e.event_id = ANY($4::uuid[])
         RETURNING ${deletedColumns.map((column) => `e.${column}`).join(", ")}
       )
       INSERT INTO ${DELETED_TABLE} SELECT * FROM gone`,
      [tenant.organizationId, tenant.projectId, keys.map((k) => k.ts), keys.map((k) => k.event_id)],
    );
    // Temporary tables have no statistics until analysed: the cleaners' joins plan on real sizes.
    await client.query(`ANALYZE ${DELETED_TABLE}`);
    const ledger = await client.query(
      `DELETE FROM event_keys k USING ${DELETED_TABLE} d
       WHERE k.organization_id = $1 AND k.project_id = $2 AND k.event_id = d.event_id`,
      [tenant.organizationId, tenant.projectId],
    );
    const { rows } = await client.query<{ rollups: string | null; sessions: string | null }>(
      `SELECT (SELECT watermark::text FROM rollup_state WHERE id = 1 AND isfinite(watermark)) AS rollups,
              (SELECT watermark::text FROM session_state WHERE id = 1 AND isfinite(watermark)) AS sessions`,
    );
    const context: DeletedEvents = {
      ...tenant,
      rollupWatermark: rows[0]?.rollups ?? null,
      sessionWatermark: rows[0]?.sessions ?? null,
      table: DELETED_TABLE,
    };
    const recomputed: number[] = [];
    for (const derived of DERIVED_TABLES) recomputed.push((await derived.recompute?.(client, context)) ?? 0);
    const actors = await client.query<{ actor: string }>(
      `SELECT DISTINCT actor::text FROM ${DELETED_TABLE} WHERE actor IS NOT NULL`,
    );
    const linked = await client.query<{ anonymous_id: string }>(
      `SELECT DISTINCT anonymous_id FROM ${DELETED_TABLE} WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL`,
    );
    await client.query("COMMIT");
    done = {
      events: deleted.rowCount ?? 0,
      eventKeys: ledger.rowCount ?? 0,
      recomputed,
      actors: actors.rows.map((r) => r.actor),
      anonymousIds: linked.rows.map((r) => r.anonymous_id),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  // Live dashboards and embeds of the project read again (their data version changes). In a
  // transaction of its own, as ingestion notifies: a transaction that NOTIFYs holds a database-wide
  // lock through its commit, which concurrent writes would wait on.
  if (done.events) await client.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, tenant.projectId]);
  return done;
}

// A hash no event can be given knowingly: the lowest bigint plus the actor's number, so each erased
// entry of a project stays distinct.
const ERASED_ACTOR = "(-9223372036854775807 - 1 + p.number)";

/**
 * Erases the hash of each actor seen with no event left in the project: under the rollup lock, so no
 * refresh numbers one of their events meanwhile. Their bits are gone from every bitmap of the days
 * their events were in; the number stays taken, so no later visitor inherits a bit of it in
 * aggregates kept longer than the raw events.
 */
async function eraseActors(client: pg.PoolClient, tenant: Tenant, actors: string[]): Promise<number> {
  if (actors.length === 0) return 0;
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [REFRESH_LOCKS[0]]);
    const erased = await client.query(
      `UPDATE project_actors p SET actor = ${ERASED_ACTOR}
       WHERE p.organization_id = $1 AND p.project_id = $2 AND p.actor = ANY($3::bigint[])
         AND NOT EXISTS (
           SELECT 1 FROM events e
           WHERE e.organization_id = $1 AND e.project_id = $2 AND (e.actor & 63)::smallint = (p.actor & 63)::smallint AND e.actor = p.actor
         )`,
      [tenant.organizationId, tenant.projectId, actors],
    );
    await client.query("COMMIT");
    return erased.rowCount ?? 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes every event of the person in the project (in every partition), their ledger entries and
 * their traces in the derived tables. Ingestion keeps running meanwhile; events of the person that
 * arrive during the deletion are deleted too, those arriving after it returns are not.
 */
export async function deletePersonEvents(
  projectId: string,
  person: PersonId,
  options: DeletePersonOptions = {},
): Promise<PersonDeletionResult> {
  if (!("userId" in person ? person.userId : person.anonymousId))
    throw new ApiError("invalid_request", "A person's deletion needs a user id or an anonymous id");
  const pool = options.pool ?? getPool();
  const project = await pool.query<{ organization_id: string }>("SELECT organization_id FROM projects WHERE id = $1", [
    projectId,
  ]);
  const organizationId = project.rows[0]?.organization_id;
  if (!organizationId) throw new ApiError("not_found", "No such project");
  const tenant = { organizationId, projectId };
  const result: PersonDeletionResult = {
    events: 0,
    eventKeys: 0,
    hours: 0,
    bitmaps: 0,
    counts: 0,
    sessions: 0,
    firstSeen: 0,
    properties: 0,
    actors: 0,
    batches: 0,
    linked: { userId: null, anonymousIds: [] },
  };
  const actors = new Set<string>();
  const client = await pool.connect();
  /** Deletes every event of one id, searching again until none is left. */
  const deleteAll = async (id: PersonId, seen: (anonymousIds: string[]) => void) => {
    const search = searchQuery(tenant, id);
    let stalled = false;
    // Searches from the start each time (events may arrive in the past), past a page only of other ids' timestamps.
    let after = "-infinity";
    for (;;) {
      const { rows } = await client.query<{ timestamps: number; last: string | null; keys: EventKey[] }>({
        ...search,
        values: [...search.values, after],
      });
      const { timestamps, last, keys } = rows[0]!;
      if (keys.length === 0) {
        // Every timestamp of the page was another id's with the same hash: the next page.
        if (timestamps === SEARCH_LIMIT && last !== null) {
          after = last;
          continue;
        }
        return;
      }
      after = "-infinity";
      const before = result.events;
      for (let from = 0; from < keys.length; ) {
        const batch = nextBatch(keys, from);
        from += batch.length;
        const done = await deleteBatch(client, tenant, batch);
        result.events += done.events;
        result.eventKeys += done.eventKeys;
        DERIVED_TABLES.forEach((derived, i) => {
          result[derived.counter] += done.recomputed[i]!;
        });
        result.batches++;
        for (const actor of done.actors) actors.add(actor);
        seen(done.anonymousIds);
        await options.onBatch?.({ ...result, linked: { ...result.linked } });
      }
      // Found but none deleted: a concurrent deletion took them first (the next search comes back
      // empty), or something is wrong, and searching again would loop.
      if (result.events === before && stalled)
        throw new Error("events of the person were found but none could be deleted");
      stalled = result.events === before;
    }
  };
  try {
    const asked = "anonymousId" in person ? person.anonymousId : null;
    const userId = "userId" in person ? person.userId : await userOfAnonymousId(client, tenant, person.anonymousId);
    result.linked.userId = asked !== null ? userId : null;
    const linked = new Set<string>();
    const deleteLinked = async (anonymousIds: string[]) => {
      for (const anonymousId of anonymousIds) {
        if (anonymousId === asked || linked.has(anonymousId)) continue;
        linked.add(anonymousId);
        await deleteAll({ anonymousId }, () => undefined);
      }
    };
    if (userId !== null) {
      await deleteLinked(await anonymousIdsOfUser(client, tenant, userId));
      const arrived: string[] = [];
      await deleteAll({ userId }, (anonymousIds) => arrived.push(...anonymousIds));
      await deleteLinked(arrived);
    }
    if (asked !== null) await deleteAll({ anonymousId: asked }, () => undefined);
    result.linked.anonymousIds = [...linked];
    for (const derived of DERIVED_TABLES)
      if (derived.finish) result[derived.counter] += await derived.finish(client, tenant, [...actors]);
    return result;
  } finally {
    client.release();
  }
}
