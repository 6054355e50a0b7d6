// Answering session measures (sessions, bounce rate, session duration) from the session rollups
// (lib/query/session-refresh.ts) in whole-hour time zones, unfiltered or filtered on one key value
// (path, referrer, utm_source) and/or values of one profile dimension (country, device, browser,
// os): see session-selectors.ts. Exactly the raw answer (lib/query/sessions.ts), whose sessions are
// the events in scope, cut by the range:
// - the selected parts the range's whole hours hold are counted in session_counts by first and last hour;
// - a few sessions are recombined from their fragments instead, their counted part taken out: those
//   the whole hours start or end inside of, those touched by events that arrived after the watermark
//   or by events in the partial hours at the ends of a range that does not start or end on the hour
//   (lib/query/edge-hours.ts; with those events, read raw), and, for a profile filter, those whose
//   events differ in that dimension;
// - events without a session id are sessionised raw (few: the partial index finds them).
import "server-only";
import type pg from "pg";
import { rolledHours, unrolledEventsSql } from "./edge-hours";
import { textFilterCondition } from "./fields";
import type { GroupedSql, Grouping } from "./measure";
import { wholeHoursSql } from "./rollups";
import type { Filter, Measure, QueryDefinition } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import {
  isKeyDimension,
  isProfileDimension,
  KEY_ROW,
  type KeyDimension,
  PROFILE_DIMENSIONS,
  type ProfileDimension,
} from "./session-selectors";
import {
  durationMicrosSql,
  idlessSessionEventsSql,
  isInteractionSql,
  isPageviewSql,
  sessionColumnsSql,
} from "./sessions";
import { join, type Sql, sql, trusted } from "./sql";

/** Which part of each session a query measures (none: the whole session). */
export interface SessionSelector {
  /** One value of a key dimension ("" for none, as stored). */
  key: { dimension: KeyDimension; value: string } | null;
  /** Conditions on one profile dimension's value. */
  profile: { dimension: ProfileDimension; filters: Filter[] } | null;
}

export interface SessionRollupPlan {
  /** The session watermark, as exact text. */
  watermark: string;
  selector: SessionSelector;
  /** The most hours any session of the project spans: how far back the sessions a range cuts begin. */
  longestHours: number;
}

const SESSION_MEASURES = new Set(["sessions", "bounce_rate", "avg_session_duration"]);

/** The operators textFilterCondition compiles (numeric comparisons are for properties). */
const TEXT_OPERATORS = new Set<Filter["op"]>([
  "equals",
  "not_equals",
  "contains",
  "not_contains",
  "matches",
  "in",
  "not_in",
  "is_set",
  "is_not_set",
]);

/**
 * The selector the filters amount to, or null when the rollups cannot select it: at most one key
 * filter, an equality or "not set" (a part is one value's events; two values' events together are
 * not the sum of each), and filters on at most one profile dimension (a pure session's single
 * value passes them or not).
 */
export function sessionSelectorOf(filters: readonly Filter[]): SessionSelector | null {
  let key: SessionSelector["key"] = null;
  let profileDimension: ProfileDimension | null = null;
  const profileFilters: Filter[] = [];
  for (const filter of filters) {
    if (isKeyDimension(filter.field)) {
      if (key) return null;
      const v = filter.value;
      if (filter.op === "is_not_set") key = { dimension: filter.field, value: "" };
      // "" is how the rollups store "no value": equality to an empty string is not that.
      else if (filter.op === "equals" && v !== undefined && !Array.isArray(v) && String(v) !== "")
        key = { dimension: filter.field, value: String(v) };
      else return null;
    } else if (isProfileDimension(filter.field) && TEXT_OPERATORS.has(filter.op)) {
      if (profileDimension && profileDimension !== filter.field) return null;
      profileDimension = filter.field;
      profileFilters.push(filter);
    } else {
      return null;
    }
  }
  return { key, profile: profileDimension ? { dimension: profileDimension, filters: profileFilters } : null };
}

/** Session rollups answer trend and metric queries of a session measure with no event and a selectable filter. */
export async function sessionRollupPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<SessionRollupPlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric") return null;
  if (!SESSION_MEASURES.has(query.measure.type) || scope.event !== undefined) return null;
  if (query.kind === "trend" && query.breakdown) return null;
  const selector = sessionSelectorOf(scope.filters);
  if (!selector) return null;
  const { rows } = await db.query<{ whole_hours: boolean; watermark: string | null; longest_hours: number }>(
    sql`SELECT ${wholeHoursSql(sql`${scope.from}::timestamptz`, sql`${scope.to}::timestamptz`, scope.timezone)} AS whole_hours,
        (SELECT watermark::text FROM session_state WHERE id = 1 AND isfinite(watermark)) AS watermark,
        COALESCE((SELECT longest_hours FROM session_spans WHERE project_id = ${scope.projectId}::uuid), 0) AS longest_hours`.toQuery(),
  );
  const row = rows[0];
  return row?.whole_hours && row.watermark
    ? { watermark: row.watermark, selector, longestHours: row.longest_hours }
    : null;
}

function aggregate(measure: Measure): Sql {
  switch (measure.type) {
    case "sessions":
      return sql`sum(u.n)::float8`;
    case "bounce_rate":
      return sql`(sum(u.bounces)::float8 / NULLIF(sum(u.pageview_sessions)::float8, 0))`;
    case "avg_session_duration":
      return sql`(sum(u.duration_us)::float8 / sum(u.n)::float8 / 1000000)`;
    default:
      throw new Error(`${measure.type} is not a session measure`);
  }
}

/** Rows (bucket, dim, is_other, value) like groupedMeasureSql's, for the session measures above. */
export const sessionRollupGroupedSql =
  ({ watermark, selector, longestHours }: SessionRollupPlan): GroupedSql =>
  (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    if (grouping.dimension !== undefined || scope.event !== undefined)
      throw new Error("query not answerable from session rollups");
    const bucketOf = (time: Sql) =>
      grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${scope.timezone})` : sql`NULL::timestamptz`;
    // The range's whole hours; its partial hours at either end are read raw (the tail), as arrivals are.
    const hours = rolledHours(scope);
    const from = sql`${hours.from}::timestamptz`;
    const to = sql`${hours.to}::timestamptz`;
    const longest = sql`${longestHours}::int * interval '1 hour'`;
    const { key, profile } = selector;
    const profileColumn = profile ? trusted(`f.${profile.dimension}`) : null;
    const profileBit = profile ? PROFILE_DIMENSIONS[profile.dimension].bit : 0;
    const passes = (value: Sql) =>
      profile ? join([sql`TRUE`, ...profile.filters.map((f) => textFilterCondition(f, value))], " AND ") : sql`TRUE`;

    // Each special session's fragments as entries of the selected part: the whole fragment, or its
    // key value's row; with the fragment's profile value, for the profile filter.
    const keyId = key
      ? sql`(SELECT v.id FROM session_key_values v WHERE ${tenantCondition(scope, "v")} AND v.dimension = ${key.dimension} AND v.value = ${key.value})`
      : null;
    const keyField = (field: keyof typeof KEY_ROW) => trusted(`f.keys[i][${KEY_ROW[field]}]`);
    const entries = keyId
      ? sql`
        SELECT f.session_id, f.hour, f.mixed, ${profileColumn ?? sql`''`} AS profile_value,
               f.hour + ${keyField("first")} * interval '1 millisecond' AS first_at, f.hour + ${keyField("last")} * interval '1 millisecond' AS last_at,
               ${keyField("pageviews")} AS pageviews, ${keyField("interactions")} AS interactions
        FROM frags f CROSS JOIN LATERAL generate_subscripts(f.keys, 1) AS i
        WHERE ${keyField("id")} = ${keyId}`
      : sql`
        SELECT f.session_id, f.hour, f.mixed, ${profileColumn ?? sql`''`} AS profile_value, f.first_at, f.last_at, f.pageviews, f.interactions
        FROM frags f`;
    // Sessions whose events differ in the filtered profile dimension are counted under no value of it.
    const mixedInRange = profile
      ? sql`
        UNION ALL
        SELECT f.session_id FROM session_fragments f
        WHERE ${tenantCondition(scope, "f")} AND f.mixed & ${profileBit} <> 0 AND f.hour >= ${from} AND f.hour < ${to}`
      : sql``;
    // What the counts hold for a special session: its part, if the range holds it whole and it is counted.
    const counted = profile
      ? sql`bool_and(e.mixed & ${profileBit} = 0) AND ${passes(sql`NULLIF(min(e.profile_value), '')`)}`
      : sql`TRUE`;
    const asSession = (started: Sql, durationUs: Sql, pageviews: Sql, interactions: Sql, sign: number) => sql`
      SELECT ${bucketOf(started)} AS b, ${trusted(String(sign))} AS n, ${trusted(String(sign))} * (${pageviews} > 0)::int AS pageview_sessions,
             ${trusted(String(sign))} * (${pageviews} = 1 AND ${interactions} = 0)::int AS bounces, ${trusted(String(sign))} * ${durationUs} AS duration_us`;
    const countsRows = sql`
      SELECT ${bucketOf(sql`c.first_hour`)} AS b, c.sessions AS n, c.pageview_sessions, c.bounces, c.duration_us
      FROM session_counts c
      WHERE ${tenantCondition(scope, "c")} AND c.key_id = ${keyId ?? sql`0`}
        AND c.profile_dimension = ${profile?.dimension ?? ""} AND ${passes(sql`NULLIF(c.profile_value, '')`)}
        AND c.first_hour >= ${from} AND c.first_hour < ${to} AND c.last_hour < ${to}`;
    return sql`
    WITH tail AS MATERIALIZED (
      ${unrolledEventsSql(scope, watermark, sql`e.session_id, e.timestamp AS ts, e.name`, sql`e.session_id IS NOT NULL`)}
    ),
    special AS MATERIALIZED (
      SELECT DISTINCT session_id FROM (
        SELECT session_id FROM tail
        UNION ALL
        SELECT f.session_id FROM session_fragments f
        WHERE ${tenantCondition(scope, "f")} AND f.spans AND f.hour = f.first_hour
          AND ((f.first_hour >= ${from} - ${longest} AND f.first_hour < ${from} AND f.last_hour >= ${from})
            OR (f.first_hour >= ${to} - ${longest} AND f.first_hour < ${to} AND f.last_hour >= ${to}))
        ${mixedInRange}
      ) s
    ),
    frags AS MATERIALIZED (
      SELECT f.* FROM special s JOIN session_fragments f ON ${tenantCondition(scope, "f")} AND f.session_id = s.session_id
    ),
    entries AS MATERIALIZED (${entries}),
    counted AS (
      SELECT min(e.first_at) AS started_at, ${durationMicrosSql(sql`min(e.first_at)`, sql`max(e.last_at)`)} AS duration_us,
             sum(e.pageviews) AS pageviews, sum(e.interactions) AS interactions
      FROM entries e GROUP BY e.session_id
      HAVING min(e.hour) >= ${from} AND max(e.hour) < ${to} AND ${counted}
    ),
    exact AS (
      SELECT min(x.first_at) AS started_at, ${durationMicrosSql(sql`min(x.first_at)`, sql`max(x.last_at)`)} AS duration_us,
             sum(x.pageviews) AS pageviews, sum(x.interactions) AS interactions
      FROM (
        SELECT e.session_id, e.first_at, e.last_at, e.pageviews, e.interactions FROM entries e
        WHERE e.hour >= ${from} AND e.hour < ${to} AND ${passes(sql`NULLIF(e.profile_value, '')`)}
        UNION ALL
        SELECT session_id, ts, ts, ${isPageviewSql(sql`name`)}::int, ${isInteractionSql(sql`name`)}::int FROM tail
      ) x
      GROUP BY x.session_id
    ),
    idless AS (SELECT ${sessionColumnsSql} FROM (${idlessSessionEventsSql(scope, sql`NULL::text`)}) k GROUP BY session_key)
    SELECT u.b AS bucket, NULL::text AS dim, false AS is_other, ${aggregate(measure)} AS value
    FROM (
      ${countsRows}
      UNION ALL
      ${asSession(sql`w.started_at`, sql`w.duration_us`, sql`w.pageviews`, sql`w.interactions`, -1)} FROM counted w
      UNION ALL
      ${asSession(sql`r.started_at`, sql`r.duration_us`, sql`r.pageviews`, sql`r.interactions`, 1)} FROM exact r
      UNION ALL
      ${asSession(sql`i.started_at`, sql`i.duration_us`, sql`i.pageviews`, sql`i.interactions`, 1)} FROM idless i
    ) u
    GROUP BY u.b
    HAVING sum(u.n) > 0`;
  };
