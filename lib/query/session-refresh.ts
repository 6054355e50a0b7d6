// Keeps the session rollups current: folds the events that arrived since the session watermark (by
// received_at) into fragments of their sessions (one per UTC hour and combination of country,
// device, browser and os, with each path, referrer and utm_source value's aggregates inside), and
// keeps session_counts counting every session's selected parts (session-selectors.ts) by their first
// and last hour, and every whole session again by its entry and exit page (each fragment keeps its
// first and last pageview). A part's aggregates merge (min, max, sums), and arrivals only ever join events to a
// session, so a touched session's parts are taken out of the counts, its fragments merged, and its
// parts put back: one statement applies the difference. Folded in bounded steps, one refresher at a
// time (lib/query/refresh-steps.ts). Events without a session id are not folded: queries sessionise
// them by gap from raw events (lib/query/sessions.ts).
//
// Each stage is its own temporary table, with text keys compared bytewise (COLLATE "C"): the planner
// then hashes a step's hundreds of thousands of rows instead of sorting them by locale.
import "server-only";
import type pg from "pg";
import { foldInSteps, type SteppedFold, type SteppedFoldResult } from "./refresh-steps";
import { foldSessionPaths, refoldSessionPaths } from "./session-paths-refresh";
import {
  KEY_DIMENSIONS,
  KEY_ROW,
  PAGE_PARTS,
  PROFILE_DIMENSIONS,
  PROFILE_PAIRS,
  profileName,
  profileValueSql,
} from "./session-selectors";
import { durationMicrosSql, isInteractionSql, isPageviewSql } from "./sessions";
import { type Sql, sql, trusted } from "./sql";

const profileColumns = Object.keys(PROFILE_DIMENSIONS);
const profileList = profileColumns.join(", ");
const fragmentKey = `organization_id, project_id, session_id, hour, ${profileList}`;
/** Milliseconds from a fragment's hour to an instant in it: exact for millisecond timestamps. */
const msInHour = (instant: string, hour: string) => `(extract(epoch FROM ${instant} - ${hour}) * 1000)::int`;
const countKey = "organization_id, project_id, part, key_id, profile_dimension, profile_value, first_hour, last_hour";
/** A touched fragment's pageview instant from its milliseconds into the hour. */
const pageviewAt = (ms: string) => `hour + ${ms} * interval '1 millisecond'`;
const durationUs = durationMicrosSql(trusted("min(first_at)"), trusted("max(last_at)")).toQuery().text;

// 1. The arrivals of (low, upto], aggregated per fragment and key value ("" for no value). `events`
// names the events read (alias e) and `condition` picks them (person deletion refolds sessions
// from the events of theirs that are left: refoldSessions).
const arrivalKeysSql = (events: Sql, condition: Sql) => sql`
CREATE TEMP TABLE session_arrival_keys ON COMMIT DROP AS
SELECT e.organization_id, e.project_id, e.session_id COLLATE "C" AS session_id, date_trunc('hour', e.timestamp, 'UTC') AS hour,
       ${trusted(
         Object.entries(PROFILE_DIMENSIONS)
           .map(([dimension, { column }]) => `COALESCE(e.${column}::text, '') COLLATE "C" AS ${dimension}`)
           .join(", "),
       )},
       k.dimension COLLATE "C" AS dimension, k.value COLLATE "C" AS value,
       min(e.timestamp) AS first_at, max(e.timestamp) AS last_at,
       (count(*) FILTER (WHERE ${isPageviewSql(sql`e.name`)}))::int AS pageviews,
       (count(*) FILTER (WHERE ${isInteractionSql(sql`e.name`)}))::int AS interactions,
       min(e.timestamp) FILTER (WHERE ${isPageviewSql(sql`e.name`)}) AS first_pageview_at,
       max(e.timestamp) FILTER (WHERE ${isPageviewSql(sql`e.name`)}) AS last_pageview_at
FROM ${events}
CROSS JOIN LATERAL (VALUES ${trusted(
  Object.entries(KEY_DIMENSIONS)
    .map(([dimension, column]) => `('${dimension}', COALESCE(e.${column}, ''))`)
    .join(", "),
)}) k(dimension, value)
WHERE ${condition} AND e.session_id IS NOT NULL
GROUP BY ${trusted(Array.from({ length: 4 + profileColumns.length + 2 }, (_, n) => n + 1).join(", "))}`;

// 2. Their key values' ids, new ones numbered first (only the missing ones: a conflict would still
// draw from the sequence).
const arrivalKeyIdsSql = [
  `CREATE TEMP TABLE session_arrival_values ON COMMIT DROP AS
   SELECT DISTINCT organization_id, project_id, dimension, value FROM session_arrival_keys`,
  `INSERT INTO session_key_values (organization_id, project_id, dimension, value)
   SELECT a.organization_id, a.project_id, a.dimension, a.value FROM session_arrival_values a
   WHERE NOT EXISTS (
     SELECT 1 FROM session_key_values v
     WHERE v.organization_id = a.organization_id AND v.project_id = a.project_id AND v.dimension = a.dimension AND v.value = a.value
   )`,
  `CREATE TEMP TABLE session_arrival_ids ON COMMIT DROP AS
   SELECT a.organization_id, a.project_id, a.dimension, a.value, v.id FROM session_arrival_values a
   JOIN session_key_values v ON v.organization_id = a.organization_id AND v.project_id = a.project_id AND v.dimension = a.dimension AND v.value = a.value`,
  "ANALYZE session_arrival_ids",
];

// 3. The arrivals as fragments, the fragment's own aggregates from its path rows (every event has
// exactly one path value, "" included).
const arrivalFragmentsSql = `
CREATE TEMP TABLE session_arrivals ON COMMIT DROP AS
SELECT ${profileColumns.map((c) => `a.${c}`).join(", ")}, a.organization_id, a.project_id, a.session_id, a.hour,
       min(a.first_at) AS first_at, max(a.last_at) AS last_at,
       (sum(a.pageviews) FILTER (WHERE a.dimension = 'path'))::int AS pageviews,
       (sum(a.interactions) FILTER (WHERE a.dimension = 'path'))::int AS interactions,
       array_agg(ARRAY[i.id, ${msInHour("a.first_at", "a.hour")}, ${msInHour("a.last_at", "a.hour")}, a.pageviews, a.interactions]) AS keys,
       ${msInHour("min(a.first_pageview_at) FILTER (WHERE a.dimension = 'path')", "a.hour")} AS entry_ms,
       (array_agg(a.value ORDER BY a.first_pageview_at, a.value) FILTER (WHERE a.dimension = 'path' AND a.first_pageview_at IS NOT NULL))[1] AS entry_path,
       ${msInHour("max(a.last_pageview_at) FILTER (WHERE a.dimension = 'path')", "a.hour")} AS exit_ms,
       (array_agg(a.value ORDER BY a.last_pageview_at DESC, a.value DESC) FILTER (WHERE a.dimension = 'path' AND a.last_pageview_at IS NOT NULL))[1] AS exit_path
FROM session_arrival_keys a
JOIN session_arrival_ids i ON i.organization_id = a.organization_id AND i.project_id = a.project_id AND i.dimension = a.dimension AND i.value = a.value
GROUP BY ${fragmentKey
  .split(", ")
  .map((c) => `a.${c}`)
  .join(", ")}`;

// The sessions the arrivals touch, in the stored tables' collation (joins with them match on the
// session id), and whether they had fragments before: those that did not are read from the arrivals.
const touchedSql = `
CREATE TEMP TABLE session_touched ON COMMIT DROP AS
SELECT t.*, EXISTS (
  SELECT 1 FROM session_fragments f WHERE f.organization_id = t.organization_id AND f.project_id = t.project_id AND f.session_id = t.session_id
) AS existed
FROM (SELECT DISTINCT organization_id, project_id, session_id COLLATE "default" AS session_id FROM session_arrivals) t`;

/** Whole sessions (part 0, key 0) are counted by each pair of profile values too (none if mixed in either). */
const wholeSessionPairs = PROFILE_PAIRS.map(
  (pair) =>
    `('${profileName(pair)}', CASE WHEN c.part = 0 AND c.key_id = 0 THEN ${profileValueSql([`c.${pair[0]}`, `c.${pair[1]}`])} END)`,
).join(", ");

/**
 * Statements adding to session_count_changes what the touched sessions' parts count for as their
 * fragments are now, times `sign`: per part (the whole session, key id 0, and each key value's
 * events) and profile ("" and each profile dimension's value the whole session keeps; none if mixed;
 * for the whole session, each pair's values too), by the part's first and last hour.
 */
const touchedCountsSql = (sign: number) => [
  `CREATE TEMP TABLE session_touched_fragments ON COMMIT DROP AS
   SELECT f.organization_id, f.project_id, f.session_id COLLATE "C" AS session_id, f.hour, ${profileColumns.map((c) => `f.${c} COLLATE "C" AS ${c}`).join(", ")},
          f.first_at, f.last_at, f.pageviews, f.interactions, f.keys,
          f.entry_ms, f.entry_path COLLATE "C" AS entry_path, f.exit_ms, f.exit_path COLLATE "C" AS exit_path
   FROM session_fragments f
   JOIN session_touched t ON t.organization_id = f.organization_id AND t.project_id = f.project_id AND t.session_id = f.session_id
   WHERE t.existed
   ${
     sign > 0
       ? `UNION ALL
   SELECT a.organization_id, a.project_id, a.session_id, a.hour, ${profileColumns.map((c) => `a.${c}`).join(", ")},
          a.first_at, a.last_at, a.pageviews, a.interactions, a.keys, a.entry_ms, a.entry_path, a.exit_ms, a.exit_path
   FROM session_arrivals a
   JOIN session_touched t ON t.organization_id = a.organization_id AND t.project_id = a.project_id AND t.session_id = a.session_id COLLATE "default"
   WHERE NOT t.existed`
       : ""
   }`,
  `CREATE TEMP TABLE session_touched_parts ON COMMIT DROP AS
   SELECT organization_id, project_id, session_id, 0::smallint AS part, key_id, min(hour) AS first_hour, max(hour) AS last_hour,
          ${durationUs} AS duration_us, sum(pageviews) AS pageviews, sum(interactions) AS interactions
   FROM (
     SELECT organization_id, project_id, session_id, hour, 0 AS key_id, first_at, last_at, pageviews, interactions
     FROM session_touched_fragments
     UNION ALL
     SELECT f.organization_id, f.project_id, f.session_id, f.hour, f.keys[i][${KEY_ROW.id}],
            f.hour + f.keys[i][${KEY_ROW.first}] * interval '1 millisecond', f.hour + f.keys[i][${KEY_ROW.last}] * interval '1 millisecond',
            f.keys[i][${KEY_ROW.pageviews}], f.keys[i][${KEY_ROW.interactions}]
     FROM session_touched_fragments f CROSS JOIN LATERAL generate_subscripts(f.keys, 1) AS i
   ) entries
   GROUP BY 1, 2, 3, 5`,
  // The whole session again by its entry page (part 1) and exit page (part 2): that path's key id, 0 without a pageview.
  `INSERT INTO session_touched_parts
   SELECT p.organization_id, p.project_id, p.session_id, x.part, COALESCE(v.id, 0), p.first_hour, p.last_hour, p.duration_us, p.pageviews, p.interactions
   FROM session_touched_parts p
   JOIN (
     SELECT organization_id, project_id, session_id,
            (array_agg(entry_path ORDER BY ${pageviewAt("entry_ms")}, entry_path) FILTER (WHERE entry_ms IS NOT NULL))[1] AS entry_path,
            (array_agg(exit_path ORDER BY ${pageviewAt("exit_ms")} DESC, exit_path DESC) FILTER (WHERE exit_ms IS NOT NULL))[1] AS exit_path
     FROM session_touched_fragments GROUP BY 1, 2, 3
   ) pages ON pages.organization_id = p.organization_id AND pages.project_id = p.project_id AND pages.session_id = p.session_id
   CROSS JOIN LATERAL (VALUES (${PAGE_PARTS.entry_page}::smallint, pages.entry_path), (${PAGE_PARTS.exit_page}::smallint, pages.exit_path)) x(part, path)
   LEFT JOIN session_key_values v
     ON v.organization_id = p.organization_id AND v.project_id = p.project_id AND v.dimension = 'path' AND v.value = x.path
   WHERE p.part = 0 AND p.key_id = 0`,
  `CREATE TEMP TABLE session_touched_profiles ON COMMIT DROP AS
   SELECT organization_id, project_id, session_id,
          ${profileColumns.map((c) => `CASE WHEN min(${c}) = max(${c}) THEN min(${c}) END AS ${c}`).join(", ")}
   FROM session_touched_fragments GROUP BY 1, 2, 3`,
  // Counted per part and whole profile first, then once per profile dimension: most sessions share a profile.
  `INSERT INTO session_count_changes (${countKey}, sessions, pageview_sessions, bounces, duration_us, pageviews)
   SELECT c.organization_id, c.project_id, c.part, c.key_id, q.dimension, q.value, c.first_hour, c.last_hour,
          ${sign} * sum(c.sessions), ${sign} * sum(c.pageview_sessions), ${sign} * sum(c.bounces), ${sign} * sum(c.duration_us),
          ${sign} * sum(c.pageviews)
   FROM (
     SELECT p.organization_id, p.project_id, p.part, p.key_id, p.first_hour, p.last_hour, ${profileColumns.map((c) => `r.${c}`).join(", ")},
            count(*) AS sessions, count(*) FILTER (WHERE p.pageviews > 0) AS pageview_sessions,
            count(*) FILTER (WHERE p.pageviews = 1 AND p.interactions = 0) AS bounces, sum(p.duration_us) AS duration_us,
            sum(p.pageviews) AS pageviews
     FROM session_touched_parts p
     JOIN session_touched_profiles r ON r.organization_id = p.organization_id AND r.project_id = p.project_id AND r.session_id = p.session_id
     GROUP BY ${Array.from({ length: 6 + profileColumns.length }, (_, n) => n + 1).join(", ")}
   ) c
   CROSS JOIN LATERAL (VALUES ('', ''), ${profileColumns.map((c) => `('${c}', c.${c})`).join(", ")}, ${wholeSessionPairs}) q(dimension, value)
   WHERE q.value IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  "DROP TABLE session_touched_fragments, session_touched_parts, session_touched_profiles",
];

const changesSql = `
CREATE TEMP TABLE session_count_changes (
  organization_id uuid, project_id uuid, part smallint, key_id int, profile_dimension text COLLATE "C", profile_value text COLLATE "C",
  first_hour timestamptz, last_hour timestamptz, sessions bigint, pageview_sessions bigint, bounces bigint, duration_us bigint, pageviews bigint
) ON COMMIT DROP`;

// 4. The arrivals merge into their fragments, key rows included; a fragment's first and last pageview
// are the earlier and later of both (at the same millisecond, the lesser path enters and the greater exits).
const earlierEntry = `(EXCLUDED.entry_ms IS NOT NULL AND (f.entry_ms IS NULL OR EXCLUDED.entry_ms < f.entry_ms
  OR (EXCLUDED.entry_ms = f.entry_ms AND EXCLUDED.entry_path COLLATE "C" < f.entry_path COLLATE "C")))`;
const laterExit = `(EXCLUDED.exit_ms IS NOT NULL AND (f.exit_ms IS NULL OR EXCLUDED.exit_ms > f.exit_ms
  OR (EXCLUDED.exit_ms = f.exit_ms AND EXCLUDED.exit_path COLLATE "C" > f.exit_path COLLATE "C")))`;
const mergeSql = `
INSERT INTO session_fragments AS f (${fragmentKey}, first_at, last_at, pageviews, interactions, keys, entry_ms, entry_path, exit_ms, exit_path)
SELECT ${fragmentKey}, first_at, last_at, pageviews, interactions, keys, entry_ms, entry_path, exit_ms, exit_path FROM session_arrivals
ON CONFLICT (${fragmentKey}) DO UPDATE
SET first_at = LEAST(f.first_at, EXCLUDED.first_at), last_at = GREATEST(f.last_at, EXCLUDED.last_at),
    entry_ms = CASE WHEN ${earlierEntry} THEN EXCLUDED.entry_ms ELSE f.entry_ms END,
    entry_path = CASE WHEN ${earlierEntry} THEN EXCLUDED.entry_path ELSE f.entry_path END,
    exit_ms = CASE WHEN ${laterExit} THEN EXCLUDED.exit_ms ELSE f.exit_ms END,
    exit_path = CASE WHEN ${laterExit} THEN EXCLUDED.exit_path ELSE f.exit_path END,
    pageviews = f.pageviews + EXCLUDED.pageviews, interactions = f.interactions + EXCLUDED.interactions,
    keys = (
      SELECT array_agg(ARRAY[id, lo, hi, pageviews, interactions])
      FROM (
        SELECT k.keys[i][${KEY_ROW.id}] AS id, min(k.keys[i][${KEY_ROW.first}]) AS lo, max(k.keys[i][${KEY_ROW.last}]) AS hi,
               sum(k.keys[i][${KEY_ROW.pageviews}])::int AS pageviews, sum(k.keys[i][${KEY_ROW.interactions}])::int AS interactions
        FROM (VALUES (f.keys), (EXCLUDED.keys)) k(keys) CROSS JOIN LATERAL generate_subscripts(k.keys, 1) AS i
        GROUP BY 1
      ) merged
    )`;

// 5. Every fragment of a touched session carries whether the session spans hours (with its first
// and last hour) and in which profile dimensions its events differ; the longest span per project
// bounds how far back a query looks for the sessions its range cuts.
const sessionShapeSql = [
  `CREATE TEMP TABLE session_shapes ON COMMIT DROP AS
   SELECT organization_id, project_id, session_id, min(hour) < max(hour) AS spans,
          CASE WHEN min(hour) < max(hour) THEN min(hour) END AS first_hour,
          CASE WHEN min(hour) < max(hour) THEN max(hour) END AS last_hour,
          (${Object.entries(PROFILE_DIMENSIONS)
            .map(([c, { bit }]) => `CASE WHEN min(${c}) < max(${c}) THEN ${bit} ELSE 0 END`)
            .join(" | ")})::smallint AS mixed
   FROM (
     SELECT f.organization_id, f.project_id, f.session_id, f.hour, ${profileColumns.map((c) => `f.${c} COLLATE "C" AS ${c}`).join(", ")}
     FROM session_fragments f
     JOIN session_touched t ON t.organization_id = f.organization_id AND t.project_id = f.project_id AND t.session_id = f.session_id
     WHERE t.existed
     UNION ALL
     SELECT a.organization_id, a.project_id, a.session_id COLLATE "default", a.hour, ${profileColumns.map((c) => `a.${c}`).join(", ")}
     FROM session_arrivals a
     JOIN session_touched t ON t.organization_id = a.organization_id AND t.project_id = a.project_id AND t.session_id = a.session_id COLLATE "default"
     WHERE NOT t.existed
   ) f
   GROUP BY 1, 2, 3`,
  // Only sessions that span hours or mix values have anything but the defaults to write (arrivals
  // never make a session span fewer hours or mix fewer values).
  `UPDATE session_fragments f
   SET spans = s.spans, first_hour = s.first_hour, last_hour = s.last_hour, mixed = s.mixed
   FROM session_shapes s
   WHERE (s.spans OR s.mixed <> 0)
     AND f.organization_id = s.organization_id AND f.project_id = s.project_id AND f.session_id = s.session_id
     AND (f.spans <> s.spans OR f.first_hour IS DISTINCT FROM s.first_hour OR f.last_hour IS DISTINCT FROM s.last_hour OR f.mixed <> s.mixed)`,
  `INSERT INTO session_spans AS x (organization_id, project_id, longest_hours)
   SELECT organization_id, project_id, max(extract(epoch FROM last_hour - first_hour) / 3600)::int FROM session_shapes
   WHERE spans GROUP BY 1, 2
   ON CONFLICT (project_id) DO UPDATE SET longest_hours = GREATEST(x.longest_hours, EXCLUDED.longest_hours)`,
];

// 6. The differences are applied, and counts that reach zero removed.
const applyCountsSql = [
  `CREATE TEMP TABLE session_count_sums ON COMMIT DROP AS
   SELECT ${countKey}, sum(sessions) AS sessions, sum(pageview_sessions) AS pageview_sessions, sum(bounces) AS bounces,
          sum(duration_us) AS duration_us, sum(pageviews) AS pageviews
   FROM session_count_changes GROUP BY ${countKey}
   HAVING sum(sessions) <> 0 OR sum(pageview_sessions) <> 0 OR sum(bounces) <> 0 OR sum(duration_us) <> 0 OR sum(pageviews) <> 0`,
  `INSERT INTO session_counts AS c (${countKey}, sessions, pageview_sessions, bounces, duration_us, pageviews)
   SELECT ${countKey}, sessions, pageview_sessions, bounces, duration_us, pageviews FROM session_count_sums
   ON CONFLICT (${countKey}) DO UPDATE
   SET sessions = c.sessions + EXCLUDED.sessions, pageview_sessions = c.pageview_sessions + EXCLUDED.pageview_sessions,
       bounces = c.bounces + EXCLUDED.bounces, duration_us = c.duration_us + EXCLUDED.duration_us,
       pageviews = c.pageviews + EXCLUDED.pageviews`,
  // Only counts that went down can have reached zero.
  `DELETE FROM session_counts c USING session_count_sums k
   WHERE k.sessions < 0 AND (${countKey
     .split(", ")
     .map((col) => `c.${col}`)
     .join(", ")}) = (${countKey
     .split(", ")
     .map((col) => `k.${col}`)
     .join(", ")}) AND c.sessions = 0`,
];

const sessionFold: SteppedFold = {
  stateTable: "session_state",
  lock: "lumen_session_refresh",
  workMem: "128MB",
  stepEvents: { low: 100_000, high: 400_000 },
  async fold(client, window) {
    if (!window) return 0;
    // Its temporary tables have no statistics: unsure of their sizes, the planner would sort a step's
    // hundreds of thousands of rows to group them (measured: 3.3 s of a 6.6 s statement), where
    // hashing them takes a fraction of that.
    await client.query("SET LOCAL enable_sort = off");
    await client.query(
      arrivalKeysSql(
        sql`events e`,
        sql`e.received_at > ${window.low}::timestamptz AND e.received_at <= ${window.upto}::timestamptz`,
      ).toQuery(),
    );
    for (const statement of arrivalKeyIdsSql) await client.query(statement);
    const fragments = (await client.query(arrivalFragmentsSql)).rowCount ?? 0;
    if (fragments > 0) {
      const statements = [
        touchedSql,
        changesSql,
        ...touchedCountsSql(-1),
        mergeSql,
        ...sessionShapeSql,
        ...touchedCountsSql(1),
        ...applyCountsSql,
      ];
      for (const statement of statements) await client.query(statement);
    }
    await foldSessionPaths(client, window);
    await client.query("UPDATE session_state SET watermark = $1::timestamptz WHERE id = 1", [window.upto]);
    return fragments;
  },
};

/** Folds in what arrived since the last session refresh; `wait` blocks for a running one instead of skipping. */
export function refreshSessions(pool: pg.Pool, options: { wait?: boolean } = {}): Promise<SteppedFoldResult> {
  return foldInSteps(pool, sessionFold, options);
}

/**
 * Takes the sessions of `sessions` (a table of organization_id, project_id, session_id) out of the
 * session rollups and folds them in again from the events `events` and `condition` select (alias
 * e, up to the session watermark): what the refresh would hold had the other events of those
 * sessions never arrived (the paths step table likewise). Key values stay numbered (ids are never reused). For a person's deletion
 * (lib/privacy/recompute-derived.ts), in its transaction, under the session refresh's lock.
 */
export async function refoldSessions(
  client: pg.PoolClient,
  sessions: string,
  events: Sql,
  condition: Sql,
): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE session_touched ON COMMIT DROP AS
    SELECT DISTINCT organization_id, project_id, session_id, true AS existed FROM ${sessions}`);
  await refoldSessionPaths(client, "session_touched", events, condition);
  await client.query(changesSql);
  for (const statement of touchedCountsSql(-1)) await client.query(statement);
  await client.query(`
    DELETE FROM session_fragments f USING session_touched t
    WHERE f.organization_id = t.organization_id AND f.project_id = t.project_id AND f.session_id = t.session_id`);
  await client.query("DROP TABLE session_touched");
  await client.query(arrivalKeysSql(events, condition).toQuery());
  for (const statement of arrivalKeyIdsSql) await client.query(statement);
  const fragments = (await client.query(arrivalFragmentsSql)).rowCount ?? 0;
  // Nothing existed any more: touchedSql marks every session new, counted from its refolded fragments.
  const refold = fragments > 0 ? [touchedSql, mergeSql, ...sessionShapeSql, ...touchedCountsSql(1)] : [];
  for (const statement of [...refold, ...applyCountsSql]) await client.query(statement);
  await client.query(
    "DROP TABLE session_arrival_keys, session_arrival_values, session_arrival_ids, session_arrivals, session_count_changes, session_count_sums",
  );
  if (fragments > 0) await client.query("DROP TABLE session_touched, session_shapes");
}
