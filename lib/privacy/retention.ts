// Retention: each project keeps raw events for its raw retention (default 25 months) and the
// aggregates derived from them (hourly rollups, daily bitmaps, session rollups) for its aggregate
// retention (default 60 months; never less than the raw). A daily job (privacy-schedule.ts)
// enforces it, one process at a time:
// - a monthly partition of events is dropped whole when every project with rows in it lets them
//   go: one catalog change, under a short lock timeout (it needs a moment's exclusive lock on the
//   events table; if a long report query holds it back, the job deletes those rows instead);
// - otherwise the rows past a project's horizon are deleted in batches of BATCH_ROWS, each its own
//   transaction, so no lock is held for long and ingestion goes on;
// - ledger entries (event_keys) of events past the horizon go by arrival time, and where their
//   properties are (property_events) by their time, with them;
// - aggregates past the aggregate horizon are deleted in batches the same way. Aggregates of hours
//   whose raw events are gone stay: reports read them (see retention-clamp.ts).
// - actor_first_seen (when each visitor was first seen, and their first touch) is an aggregate of all
//   history and is left alone: a visitor back after their old events went is still returning. It
//   holds one row per visitor, goes with a person's deletion, and goes with no horizon: dropping
//   old rows would count long-time visitors as new. Its hourly counts and bitmaps (first_seen_hourly,
//   first_seen_bitmaps) likewise.
// A dry run (planRetention) counts what would go without deleting anything.
import "server-only";
import type pg from "pg";
import { getEnv } from "../env";
import { log } from "../log";
import { type RetentionMonths, retentionHorizons } from "./retention-policy";
import type { ProjectRetention, RetentionCounts } from "./schemas";

const BATCH_ROWS = 5_000;
const DROP_LOCK_TIMEOUT = "2s";
/** Tries at dropping a partition, a second apart, before its rows are deleted in batches instead. */
const DROP_ATTEMPTS = 3;
const PARTITION = /^events_p(\d{4})_(\d{2})$/;

interface ProjectPolicy extends RetentionMonths {
  organizationId: string;
  projectId: string;
  timezone: string;
}

interface ProjectHorizons extends ProjectPolicy {
  rawBefore: Date;
  aggregatesBefore: Date;
  /** Daily bitmaps go for local days before this date: those before the first local midnight at or after aggregatesBefore. */
  bitmapDaysBefore: string;
}

async function projectHorizons(db: pg.Pool | pg.PoolClient, now: Date, projectId?: string): Promise<ProjectHorizons[]> {
  const { rows } = await db.query<{
    organization_id: string;
    id: string;
    timezone: string;
    raw_retention_months: number;
    aggregate_retention_months: number;
  }>(
    `SELECT organization_id, id, timezone, raw_retention_months, aggregate_retention_months FROM projects
     WHERE $1::uuid IS NULL OR id = $1::uuid ORDER BY id`,
    [projectId ?? null],
  );
  const policies = rows.map((r) => ({
    organizationId: r.organization_id,
    projectId: r.id,
    timezone: r.timezone,
    rawRetentionMonths: r.raw_retention_months,
    aggregateRetentionMonths: r.aggregate_retention_months,
  }));
  if (policies.length === 0) return [];
  const horizons = policies.map((p) => ({ ...p, ...retentionHorizons(p, now) }));
  // The first local midnight at or after each aggregate horizon, in the project's zone.
  const { rows: days } = await db.query<{ day: string }>(
    `SELECT CASE WHEN date_trunc('day', h, z) = h THEN (h AT TIME ZONE z)::date ELSE (h AT TIME ZONE z)::date + 1 END::text AS day
     FROM unnest($1::timestamptz[], $2::text[]) WITH ORDINALITY AS x(h, z, i) ORDER BY i`,
    [horizons.map((h) => h.aggregates), horizons.map((h) => h.timezone)],
  );
  return horizons.map((h, i) => ({
    ...h,
    rawBefore: h.raw,
    aggregatesBefore: h.aggregates,
    bitmapDaysBefore: days[i]!.day,
  }));
}

interface MonthlyPartition {
  name: string;
  from: Date;
  to: Date;
}

async function monthlyPartitions(db: pg.Pool | pg.PoolClient): Promise<MonthlyPartition[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1",
  );
  return rows.flatMap(({ name }) => {
    const match = PARTITION.exec(name);
    if (!match) return [];
    const [year, month] = [Number(match[1]), Number(match[2])];
    return [{ name, from: new Date(Date.UTC(year, month - 1, 1)), to: new Date(Date.UTC(year, month, 1)) }];
  });
}

/** The projects with rows in a partition, found by skipping along its primary key (one probe per project). */
async function projectsIn(db: pg.Pool | pg.PoolClient, partition: string): Promise<string[]> {
  if (!PARTITION.test(partition)) throw new Error(`not an events partition: ${partition}`);
  const { rows } = await db.query<{ project_id: string }>(
    `WITH RECURSIVE p AS (
       (SELECT organization_id, project_id FROM "${partition}" ORDER BY organization_id, project_id LIMIT 1)
       UNION ALL
       SELECT n.organization_id, n.project_id FROM p CROSS JOIN LATERAL (
         SELECT x.organization_id, x.project_id FROM "${partition}" x
         WHERE (x.organization_id, x.project_id) > (p.organization_id, p.project_id)
         ORDER BY x.organization_id, x.project_id LIMIT 1
       ) n
     )
     SELECT project_id FROM p`,
  );
  return rows.map((r) => r.project_id);
}

/** Partitions every project with rows in them lets go whole. Rows of projects that no longer exist go with them. */
async function droppablePartitions(
  db: pg.Pool | pg.PoolClient,
  horizons: ProjectHorizons[],
): Promise<(MonthlyPartition & { projects: string[] })[]> {
  const byProject = new Map(horizons.map((h) => [h.projectId, h]));
  const latest = Math.max(...horizons.map((h) => h.rawBefore.getTime()));
  const droppable: (MonthlyPartition & { projects: string[] })[] = [];
  for (const partition of await monthlyPartitions(db)) {
    if (partition.to.getTime() > latest) continue;
    const projects = await projectsIn(db, partition.name);
    const allowed = projects.every((id) => {
      const horizon = byProject.get(id);
      return !horizon || horizon.rawBefore.getTime() >= partition.to.getTime();
    });
    if (allowed) droppable.push({ ...partition, projects });
  }
  return droppable;
}

export interface RetentionPlan {
  now: string;
  /** Monthly partitions of events dropped whole (what rows they hold is counted under each project too). */
  partitions: { name: string; from: string; to: string }[];
  projects: ProjectRetention[];
}

/**
 * The aggregate tables retention expires past the aggregate horizon, each with the column it is
 * expired by (an instant, or a local day of the project's zone), under the report's headings. Every
 * table the refreshes derive from events belongs here (session_key_values and the per-project state
 * tables hold no time: they stay).
 */
export const AGGREGATE_TABLES = {
  event_rollups: [["event_rollups", "bucket"]],
  daily_bitmaps: [
    ["event_actor_bitmaps", "day"],
    ["dimension_actor_bitmaps", "day"],
    ["mixed_actor_bitmaps", "day"],
    ["pair_actor_bitmaps", "day"],
    ["pair_complete_bitmaps", "day"],
    ["goal_actor_bitmaps", "day"],
  ],
  daily_counts: [
    ["event_counts_daily", "day"],
    ["mixed_actor_days", "day"],
    ["actor_count_slices", "day"],
  ],
  session_rollups: [
    ["session_fragments", "hour"],
    ["session_counts", "first_hour"],
    // The paths step table: a session's rows go once its last step is past the horizon.
    ["session_paths", "last_at"],
    ["session_path_events", "last_at"],
    // Their counts by the day of a session's first step: a range reaching back that far is cut by retention anyway.
    ["session_path_counts", "day"],
  ],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

/** Tables indexing raw events, expired with them (by the event's time) so nothing of an expired event stays. */
export const RAW_INDEX_TABLES = [["property_events", "timestamp"]] as const;

const count = async (db: pg.Pool | pg.PoolClient, text: string, values: unknown[]) =>
  Number((await db.query<{ n: string }>(text, values)).rows[0]?.n ?? 0);

/** What retention would delete for each project now (exact counts; nothing is deleted). */
async function countsOf(
  db: pg.Pool | pg.PoolClient,
  h: ProjectHorizons,
  maxFutureMs: number,
): Promise<RetentionCounts> {
  const tenant = [h.organizationId, h.projectId];
  const sumOf = (tables: readonly (readonly [string, string])[], before: unknown) =>
    count(
      db,
      `SELECT ${tables.map(([table, column]) => `(SELECT count(*) FROM ${table} WHERE organization_id = $1 AND project_id = $2 AND ${column} < $3)`).join(" + ")} AS n`,
      [...tenant, before],
    );
  const [rawEvents, propertyEvents, eventKeys, rollups, bitmaps, dailyCounts, sessions] = await Promise.all([
    count(db, "SELECT count(*) AS n FROM events WHERE organization_id = $1 AND project_id = $2 AND timestamp < $3", [
      ...tenant,
      h.rawBefore,
    ]),
    sumOf(RAW_INDEX_TABLES, h.rawBefore),
    count(
      db,
      "SELECT count(*) AS n FROM event_keys WHERE organization_id = $1 AND project_id = $2 AND received_at < $3",
      [...tenant, new Date(h.rawBefore.getTime() - maxFutureMs)],
    ),
    sumOf(AGGREGATE_TABLES.event_rollups, h.aggregatesBefore),
    sumOf(AGGREGATE_TABLES.daily_bitmaps, h.bitmapDaysBefore),
    sumOf(AGGREGATE_TABLES.daily_counts, h.bitmapDaysBefore),
    sumOf(AGGREGATE_TABLES.session_rollups, h.aggregatesBefore),
  ]);
  return {
    raw_events: rawEvents,
    property_events: propertyEvents,
    event_keys: eventKeys,
    event_rollups: rollups,
    daily_bitmaps: bitmaps,
    daily_counts: dailyCounts,
    session_rollups: sessions,
  };
}

const projectEntry = (h: ProjectHorizons, counts: RetentionCounts): ProjectRetention => ({
  project_id: h.projectId,
  raw_events_before: h.rawBefore.toISOString(),
  aggregates_before: h.aggregatesBefore.toISOString(),
  ...counts,
});

/** The dry run: what enforcing retention now would delete, for every project or one. */
export async function planRetention(
  db: pg.Pool,
  options: { now?: Date; projectId?: string } = {},
): Promise<RetentionPlan> {
  const now = options.now ?? new Date();
  const maxFutureMs = getEnv().LUMEN_MAX_FUTURE_SECONDS * 1000;
  const horizons = await projectHorizons(db, now, options.projectId);
  // Which partitions go whole depends on every project, so a one-project plan names none.
  const partitions = options.projectId ? [] : await droppablePartitions(db, horizons);
  const projects: ProjectRetention[] = [];
  for (const h of horizons) {
    const counts = await countsOf(db, h, maxFutureMs);
    if (options.projectId || Object.values(counts).some((n) => n > 0)) projects.push(projectEntry(h, counts));
  }
  return {
    now: now.toISOString(),
    partitions: partitions.map((p) => ({ name: p.name, from: p.from.toISOString(), to: p.to.toISOString() })),
    projects,
  };
}

/** Runs `statement` (deleting at most BATCH_ROWS rows, each call its own transaction) until it deletes nothing. */
async function deleteInBatches(db: pg.Pool, text: string, values: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(text, [...values, BATCH_ROWS]);
    total += rowCount ?? 0;
    if (!rowCount) return total;
  }
}

/** Drops a partition whole, or gives up if the lock it needs is not free within the timeout, a few times over. */
async function dropPartition(db: pg.Pool, name: string): Promise<boolean> {
  if (!PARTITION.test(name)) throw new Error(`not an events partition: ${name}`);
  for (let attempt = 1; ; attempt++) {
    const client = await db.connect();
    try {
      await client.query("BEGIN");
      await client.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      await client.query(`ALTER TABLE events DETACH PARTITION "${name}"`);
      await client.query(`DROP TABLE "${name}"`);
      await client.query("COMMIT");
      return true;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (attempt === DROP_ATTEMPTS) {
        log.warn("could not drop an events partition now; its rows are deleted in batches instead", {
          partition: name,
          error: error instanceof Error ? error.message : String(error),
        });
        return false;
      }
    } finally {
      client.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// Batched deletions: each statement picks at most $n rows by key (or ctid, for unpartitioned
// tables), deletes them and commits.
const deleteRawSql = `
DELETE FROM events e USING (
  SELECT organization_id, project_id, timestamp, event_id FROM events
  WHERE organization_id = $1 AND project_id = $2 AND timestamp < $3 LIMIT $4
) k
WHERE e.organization_id = k.organization_id AND e.project_id = k.project_id AND e.timestamp = k.timestamp AND e.event_id = k.event_id`;

const deleteByCtid = (table: string, condition: string) => `
DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
  SELECT ctid FROM ${table} WHERE organization_id = $1 AND project_id = $2 AND ${condition} LIMIT $4
))`;

export interface RetentionReport {
  now: string;
  partitions_dropped: string[];
  projects: ProjectRetention[];
}

/** Enforces every project's retention now. Returns what went; null when another process is at it. */
export async function enforceRetention(db: pg.Pool, options: { now?: Date } = {}): Promise<RetentionReport | null> {
  const now = options.now ?? new Date();
  const maxFutureMs = getEnv().LUMEN_MAX_FUTURE_SECONDS * 1000;
  const lock = await db.connect();
  try {
    const { rows } = await lock.query<{ ok: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('lumen_retention')) AS ok",
    );
    if (!rows[0]?.ok) return null;
    try {
      const horizons = await projectHorizons(db, now);
      const dropped: string[] = [];
      for (const partition of await droppablePartitions(db, horizons)) {
        if (await dropPartition(db, partition.name)) dropped.push(partition.name);
      }
      const projects: ProjectRetention[] = [];
      for (const h of horizons) {
        const tenant = [h.organizationId, h.projectId];
        const expire = async (tables: readonly (readonly [string, string])[], before: unknown) => {
          let n = 0;
          for (const [table, column] of tables)
            n += await deleteInBatches(db, deleteByCtid(table, `${column} < $3`), [...tenant, before]);
          return n;
        };
        const counts: RetentionCounts = {
          raw_events: await deleteInBatches(db, deleteRawSql, [...tenant, h.rawBefore]),
          property_events: await expire(RAW_INDEX_TABLES, h.rawBefore),
          event_keys: await deleteInBatches(db, deleteByCtid("event_keys", "received_at < $3"), [
            ...tenant,
            new Date(h.rawBefore.getTime() - maxFutureMs),
          ]),
          event_rollups: await expire(AGGREGATE_TABLES.event_rollups, h.aggregatesBefore),
          daily_bitmaps: await expire(AGGREGATE_TABLES.daily_bitmaps, h.bitmapDaysBefore),
          daily_counts: await expire(AGGREGATE_TABLES.daily_counts, h.bitmapDaysBefore),
          session_rollups: await expire(AGGREGATE_TABLES.session_rollups, h.aggregatesBefore),
        };
        if (Object.values(counts).some((n) => n > 0)) projects.push(projectEntry(h, counts));
      }
      return { now: now.toISOString(), partitions_dropped: dropped, projects };
    } finally {
      await lock.query("SELECT pg_advisory_unlock(hashtext('lumen_retention'))");
    }
  } finally {
    lock.release();
  }
}
