// Keeps the session rollups current: folds the events that arrived since the session watermark (by
// received_at) into fragments of their sessions (one per UTC hour and combination of country,
// device, browser and os, with each path, referrer and utm_source value's aggregates inside), and
// keeps session_counts counting every session's selected parts (session-selectors.ts) by their first
// and last hour. A part's aggregates merge (min, max, sums), and arrivals only ever join events to a
// session, so a touched session's parts are taken out of the counts, its fragments merged, and its
// parts put back: one statement applies the difference. Folded in bounded steps, one refresher at a
// time (lib/query/refresh-steps.ts). Events without a session id are not folded: queries sessionise
// them by gap from raw events (lib/query/sessions.ts).
import "server-only";
import type pg from "pg";
import { foldInSteps, type SteppedFold, type SteppedFoldResult } from "./refresh-steps";
import { KEY_DIMENSIONS, KEY_ROW, PROFILE_DIMENSIONS } from "./session-selectors";
import { durationMicrosSql, isInteractionSql, isPageviewSql } from "./sessions";
import { sql, trusted } from "./sql";

const profileColumns = Object.keys(PROFILE_DIMENSIONS);
const profileList = profileColumns.join(", ");
const keyValues = (alias: string) =>
  Object.keys(KEY_DIMENSIONS)
    .map((dimension) => `('${dimension}', ${alias}.${dimension})`)
    .join(", ");
/** A fragment's key row field, for a fragment alias and a subscript. */
const keyField = (alias: string, i: string, field: keyof typeof KEY_ROW) => `${alias}.keys[${i}][${KEY_ROW[field]}]`;
/** Milliseconds from a fragment's hour to an instant in it: exact for millisecond timestamps. */
const msInHour = (instant: string) => `(extract(epoch FROM ${instant} - hour) * 1000)::int`;

// The arrivals of (low, upto], one row per event with its fragment and key values ("" for none).
const arrivalEventsSql = (low: string, upto: string) => sql`
CREATE TEMP TABLE session_arrival_events ON COMMIT DROP AS
SELECT e.organization_id, e.project_id, e.session_id, date_trunc('hour', e.timestamp, 'UTC') AS hour,
       ${trusted(
         Object.entries(PROFILE_DIMENSIONS)
           .map(([dimension, { column }]) => `COALESCE(e.${column}::text, '') AS ${dimension}`)
           .join(", "),
       )},
       ${trusted(
         Object.entries(KEY_DIMENSIONS)
           .map(([dimension, column]) => `COALESCE(e.${column}, '') AS ${dimension}`)
           .join(", "),
       )},
       e.timestamp AS ts, ${isPageviewSql(sql`e.name`)}::int AS pageviews, ${isInteractionSql(sql`e.name`)}::int AS interactions
FROM events e
WHERE e.received_at > ${low}::timestamptz AND e.received_at <= ${upto}::timestamptz AND e.session_id IS NOT NULL`;

// New key values get their ids (only the missing ones: a conflict would still draw from the sequence).
const newKeyValuesSql = `
INSERT INTO session_key_values (organization_id, project_id, dimension, value)
SELECT DISTINCT a.organization_id, a.project_id, k.dimension, k.value
FROM session_arrival_events a CROSS JOIN LATERAL (VALUES ${keyValues("a")}) k(dimension, value)
WHERE NOT EXISTS (
  SELECT 1 FROM session_key_values v
  WHERE v.organization_id = a.organization_id AND v.project_id = a.project_id AND v.dimension = k.dimension AND v.value = k.value
)`;

// The arrivals as fragments: aggregates per key value, and the fragment's own from its path rows
// (every event has exactly one path value, "" included).
const arrivalFragmentsSql = `
CREATE TEMP TABLE session_arrivals ON COMMIT DROP AS
WITH keyed AS (
  SELECT a.organization_id, a.project_id, a.session_id, a.hour, ${profileColumns.map((c) => `a.${c}`).join(", ")}, k.dimension, v.id,
         min(a.ts) AS first_at, max(a.ts) AS last_at, sum(a.pageviews)::int AS pageviews, sum(a.interactions)::int AS interactions
  FROM session_arrival_events a
  CROSS JOIN LATERAL (VALUES ${keyValues("a")}) k(dimension, value)
  JOIN session_key_values v ON v.organization_id = a.organization_id AND v.project_id = a.project_id AND v.dimension = k.dimension AND v.value = k.value
  GROUP BY 1, 2, 3, 4, ${profileColumns.map((_, i) => i + 5).join(", ")}, k.dimension, v.id
)
SELECT organization_id, project_id, session_id, hour, ${profileList},
       min(first_at) AS first_at, max(last_at) AS last_at,
       (sum(pageviews) FILTER (WHERE dimension = 'path'))::int AS pageviews,
       (sum(interactions) FILTER (WHERE dimension = 'path'))::int AS interactions,
       array_agg(ARRAY[id, ${msInHour("first_at")}, ${msInHour("last_at")}, pageviews, interactions] ORDER BY id) AS keys
FROM keyed
GROUP BY 1, 2, 3, 4, ${profileColumns.map((_, i) => i + 5).join(", ")}`;

const touchedSql = `
CREATE TEMP TABLE session_touched ON COMMIT DROP AS
SELECT DISTINCT organization_id, project_id, session_id FROM session_arrivals`;

/**
 * The counts of the touched sessions' selected parts as their fragments are now, per selector and
 * first and last hour, times `sign`: the whole session (key ""), each key value's events, each with
 * no profile ("") and with each profile dimension's value the whole session keeps (none if mixed).
 */
const touchedCountsSql = (sign: number) => `
WITH frags AS MATERIALIZED (
  SELECT f.* FROM session_fragments f
  JOIN session_touched t ON t.organization_id = f.organization_id AND t.project_id = f.project_id AND t.session_id = f.session_id
),
entries AS (
  SELECT organization_id, project_id, session_id, hour, '' AS key_dimension, '' AS key_value, first_at, last_at, pageviews, interactions
  FROM frags
  UNION ALL
  SELECT f.organization_id, f.project_id, f.session_id, f.hour, v.dimension, v.value,
         f.hour + ${keyField("f", "i", "first")} * interval '1 millisecond', f.hour + ${keyField("f", "i", "last")} * interval '1 millisecond',
         ${keyField("f", "i", "pageviews")}, ${keyField("f", "i", "interactions")}
  FROM frags f CROSS JOIN LATERAL generate_subscripts(f.keys, 1) AS i
  JOIN session_key_values v ON v.id = ${keyField("f", "i", "id")}
),
parts AS (
  SELECT organization_id, project_id, session_id, key_dimension, key_value, min(hour) AS first_hour, max(hour) AS last_hour,
         ${durationMicrosSql(trusted("min(first_at)"), trusted("max(last_at)")).toQuery().text} AS duration_us,
         sum(pageviews) AS pageviews, sum(interactions) AS interactions
  FROM entries GROUP BY 1, 2, 3, 4, 5
),
profiles AS (
  SELECT organization_id, project_id, session_id,
         ${profileColumns.map((c) => `CASE WHEN count(DISTINCT ${c}) = 1 THEN min(${c}) END AS ${c}`).join(", ")}
  FROM frags GROUP BY 1, 2, 3
)
SELECT p.organization_id, p.project_id, p.key_dimension, p.key_value, q.dimension AS profile_dimension, q.value AS profile_value,
       p.first_hour, p.last_hour, ${sign} * count(*) AS sessions, ${sign} * count(*) FILTER (WHERE p.pageviews > 0) AS pageview_sessions,
       ${sign} * count(*) FILTER (WHERE p.pageviews = 1 AND p.interactions = 0) AS bounces, ${sign} * sum(p.duration_us) AS duration_us
FROM parts p
JOIN profiles r ON r.organization_id = p.organization_id AND r.project_id = p.project_id AND r.session_id = p.session_id
CROSS JOIN LATERAL (VALUES ('', ''), ${profileColumns.map((c) => `('${c}', r.${c})`).join(", ")}) q(dimension, value)
WHERE q.value IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

// 1. What the touched sessions count for now, to be taken out.
const uncountSql = `CREATE TEMP TABLE session_count_changes ON COMMIT DROP AS ${touchedCountsSql(-1)}`;

// 2. The arrivals merge into their fragments, key rows included.
const mergeSql = `
INSERT INTO session_fragments AS f (organization_id, project_id, session_id, hour, ${profileList}, first_at, last_at, pageviews, interactions, keys)
SELECT organization_id, project_id, session_id, hour, ${profileList}, first_at, last_at, pageviews, interactions, keys FROM session_arrivals
ON CONFLICT (organization_id, project_id, session_id, hour, ${profileList}) DO UPDATE
SET first_at = LEAST(f.first_at, EXCLUDED.first_at), last_at = GREATEST(f.last_at, EXCLUDED.last_at),
    pageviews = f.pageviews + EXCLUDED.pageviews, interactions = f.interactions + EXCLUDED.interactions,
    keys = (
      SELECT array_agg(ARRAY[id, lo, hi, pageviews, interactions] ORDER BY id)
      FROM (
        SELECT k.keys[i][${KEY_ROW.id}] AS id, min(k.keys[i][${KEY_ROW.first}]) AS lo, max(k.keys[i][${KEY_ROW.last}]) AS hi,
               sum(k.keys[i][${KEY_ROW.pageviews}])::int AS pageviews, sum(k.keys[i][${KEY_ROW.interactions}])::int AS interactions
        FROM (VALUES (f.keys), (EXCLUDED.keys)) k(keys) CROSS JOIN LATERAL generate_subscripts(k.keys, 1) AS i
        GROUP BY 1
      ) merged
    )`;

// 3. Every fragment of a touched session carries whether the session spans hours (with its first
// and last hour) and in which profile dimensions its events differ; the longest span per project
// bounds how far back a query looks for the sessions its range cuts.
const sessionShapeSql = `
WITH shapes AS (
  SELECT f.organization_id, f.project_id, f.session_id, min(f.hour) AS first_hour, max(f.hour) AS last_hour,
         (${Object.entries(PROFILE_DIMENSIONS)
           .map(([c, { bit }]) => `CASE WHEN count(DISTINCT f.${c}) > 1 THEN ${bit} ELSE 0 END`)
           .join(" | ")})::smallint AS mixed
  FROM session_fragments f
  JOIN session_touched t ON t.organization_id = f.organization_id AND t.project_id = f.project_id AND t.session_id = f.session_id
  GROUP BY 1, 2, 3
),
reshaped AS (
  UPDATE session_fragments f
  SET spans = s.first_hour < s.last_hour,
      first_hour = CASE WHEN s.first_hour < s.last_hour THEN s.first_hour END,
      last_hour = CASE WHEN s.first_hour < s.last_hour THEN s.last_hour END,
      mixed = s.mixed
  FROM shapes s
  WHERE f.organization_id = s.organization_id AND f.project_id = s.project_id AND f.session_id = s.session_id
    AND (f.spans <> (s.first_hour < s.last_hour) OR f.first_hour IS DISTINCT FROM s.first_hour OR f.last_hour IS DISTINCT FROM s.last_hour OR f.mixed <> s.mixed)
)
INSERT INTO session_spans AS x (organization_id, project_id, longest_hours)
SELECT organization_id, project_id, max(extract(epoch FROM last_hour - first_hour) / 3600)::int FROM shapes
WHERE first_hour < last_hour GROUP BY 1, 2
ON CONFLICT (project_id) DO UPDATE SET longest_hours = GREATEST(x.longest_hours, EXCLUDED.longest_hours)`;

// 4. What they count for now goes in; the differences are applied and counts that reach zero removed.
const recountSql = `INSERT INTO session_count_changes ${touchedCountsSql(1)}`;

const countKey =
  "organization_id, project_id, key_dimension, key_value, profile_dimension, profile_value, first_hour, last_hour";
const applyCountsSql = `
INSERT INTO session_counts AS c (${countKey}, sessions, pageview_sessions, bounces, duration_us)
SELECT ${countKey}, sum(sessions), sum(pageview_sessions), sum(bounces), sum(duration_us)
FROM session_count_changes
GROUP BY ${countKey}
HAVING sum(sessions) <> 0 OR sum(pageview_sessions) <> 0 OR sum(bounces) <> 0 OR sum(duration_us) <> 0
ON CONFLICT (${countKey}) DO UPDATE
SET sessions = c.sessions + EXCLUDED.sessions, pageview_sessions = c.pageview_sessions + EXCLUDED.pageview_sessions,
    bounces = c.bounces + EXCLUDED.bounces, duration_us = c.duration_us + EXCLUDED.duration_us`;

const dropEmptyCountsSql = `
DELETE FROM session_counts c
USING (SELECT DISTINCT ${countKey} FROM session_count_changes) k
WHERE (${countKey
  .split(", ")
  .map((col) => `c.${col}`)
  .join(", ")}) = (${countKey
  .split(", ")
  .map((col) => `k.${col}`)
  .join(", ")}) AND c.sessions = 0`;

const sessionFold: SteppedFold = {
  stateTable: "session_state",
  lock: "lumen_session_refresh",
  workMem: "128MB",
  stepRows: { low: 50_000, high: 400_000 },
  async fold(client, window) {
    if (!window) return 0;
    await client.query(arrivalEventsSql(window.low, window.upto).toQuery());
    await client.query(newKeyValuesSql);
    const fragments = (await client.query(arrivalFragmentsSql)).rowCount ?? 0;
    if (fragments > 0) {
      await client.query(touchedSql);
      await client.query("ANALYZE session_arrivals; ANALYZE session_touched");
      for (const statement of [uncountSql, mergeSql, sessionShapeSql, recountSql, applyCountsSql, dropEmptyCountsSql])
        await client.query(statement);
    }
    await client.query("UPDATE session_state SET watermark = $1::timestamptz WHERE id = 1", [window.upto]);
    return fragments;
  },
};

/** Folds in what arrived since the last session refresh; `wait` blocks for a running one instead of skipping. */
export function refreshSessions(pool: pg.Pool, options: { wait?: boolean } = {}): Promise<SteppedFoldResult> {
  return foldInSteps(pool, sessionFold, options);
}
