// Answering session measures (sessions, bounce rate, session duration, pages per session) from the
// session rollups (lib/query/session-refresh.ts) in whole-hour time zones, unfiltered or filtered on
// one key value (path, referrer, utm_source) and/or values of one profile dimension (country, device,
// browser, os), or of two without a key: see session-selectors.ts; and, without a key filter, by
// entry or exit page (the counts' parts 1 and 2, each fragment's first and last pageview for the
// sessions recombined). Exactly the raw answer (lib/query/sessions.ts), whose sessions are the
// events in scope, cut by the range:
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
import { storedTextFilterCondition, TEXT_FILTER_OPERATORS, textFilterCondition } from "./fields";
import { additiveTopAndOtherSql, type GroupedSql, type Grouping, topGroup } from "./measure";
import { wholeHoursSql } from "./rollups";
import type { Filter, Measure, QueryDefinition } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import {
  isKeyDimension,
  isProfileDimension,
  KEY_ROW,
  type KeyDimension,
  orderedProfile,
  PAGE_PARTS,
  PROFILE_DIMENSIONS,
  type ProfileDimension,
  type ProfileDimensions,
  profileName,
  profileValueSql,
} from "./session-selectors";
import {
  durationMicrosSql,
  idlessSessionEventsSql,
  isInteractionSql,
  isPageviewSql,
  sessionColumnsSql,
} from "./sessions";
import { join, type Sql, sql, trusted } from "./sql";
import { isSessionDimension, type SessionDimension } from "./vocabulary";

/** Which part of each session a query measures (none: the whole session). */
export interface SessionSelector {
  /** One value of a key dimension ("" for none, as stored). */
  key: { dimension: KeyDimension; value: string } | null;
  /** Conditions on one profile dimension's value, or (whole sessions only) on two dimensions' values. */
  profile: { dimensions: ProfileDimensions; filters: Filter[] } | null;
  /** Conditions on the whole session's entry or exit page (one of them). */
  pages: { dimension: SessionDimension; filters: Filter[] } | null;
}

export interface SessionRollupPlan {
  /** The session watermark, as exact text. */
  watermark: string;
  selector: SessionSelector;
  /** The most hours any session of the project spans: how far back the sessions a range cuts begin. */
  longestHours: number;
}

const SESSION_MEASURES = new Set(["sessions", "bounce_rate", "avg_session_duration", "pages_per_session"]);

/**
 * The selector the filters amount to, or null when the rollups cannot select it: at most one key
 * filter, an equality or "not set" (a part is one value's events; two values' events together are
 * not the sum of each), filters on at most one profile dimension (a pure session's single
 * value passes them or not), or on two with neither a key nor a page filter (pairs are counted for
 * whole sessions), and filters on at most one of entry and exit page.
 */
export function sessionSelectorOf(filters: readonly Filter[]): SessionSelector | null {
  let key: SessionSelector["key"] = null;
  const profileDimensions: ProfileDimension[] = [];
  const profileFilters: Filter[] = [];
  let pagesDimension: SessionDimension | null = null;
  const pagesFilters: Filter[] = [];
  for (const filter of filters) {
    if (isKeyDimension(filter.field)) {
      if (key) return null;
      const v = filter.value;
      if (filter.op === "is_not_set") key = { dimension: filter.field, value: "" };
      // "" is how the rollups store "no value": equality to an empty string is not that.
      else if (filter.op === "equals" && v !== undefined && !Array.isArray(v) && String(v) !== "")
        key = { dimension: filter.field, value: String(v) };
      else return null;
    } else if (isProfileDimension(filter.field) && TEXT_FILTER_OPERATORS.has(filter.op)) {
      if (!profileDimensions.includes(filter.field)) profileDimensions.push(filter.field);
      profileFilters.push(filter);
    } else if (isSessionDimension(filter.field) && TEXT_FILTER_OPERATORS.has(filter.op)) {
      if (pagesDimension && pagesDimension !== filter.field) return null;
      pagesDimension = filter.field;
      pagesFilters.push(filter);
    } else {
      return null;
    }
  }
  if (profileDimensions.length > 2 || (profileDimensions.length === 2 && (key || pagesDimension))) return null;
  return {
    key,
    profile: profileDimensions.length
      ? { dimensions: orderedProfile(profileDimensions), filters: profileFilters }
      : null,
    pages: pagesDimension ? { dimension: pagesDimension, filters: pagesFilters } : null,
  };
}

/**
 * Session rollups answer trend, metric and breakdown queries of a session measure with no event and
 * a selectable filter, unbroken down or by entry or exit page and filtered on the same one (not with
 * a key filter: a key's part is not a whole session).
 */
export async function sessionRollupPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<SessionRollupPlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown") return null;
  if (!SESSION_MEASURES.has(query.measure.type) || scope.event !== undefined) return null;
  const groupBy =
    query.kind === "breakdown" ? query.dimension : query.kind === "trend" ? query.breakdown?.dimension : undefined;
  if (groupBy !== undefined && !isSessionDimension(groupBy)) return null;
  const selector = sessionSelectorOf(scope.filters);
  if (!selector) return null;
  if (selector.pages && groupBy !== undefined && groupBy !== selector.pages.dimension) return null;
  if (selector.key && (groupBy !== undefined || selector.pages)) return null;
  // Pairs of profile values count whole sessions only, not their entry and exit pages.
  if (selector.profile?.dimensions.length === 2 && groupBy !== undefined) return null;
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
    case "pages_per_session":
      return sql`(sum(u.pageviews)::float8 / sum(u.n)::float8)`;
    default:
      throw new Error(`${measure.type} is not a session measure`);
  }
}

/**
 * A session's entry or exit page from rows of (entry_at, entry_path, exit_at, exit_path) of its
 * fragments and events, "" standing for no path (session-dimensions.ts: the least path at the same
 * instant enters, the greatest exits).
 */
function pageOfSql(pages: SessionDimension, alias: string): Sql {
  const a = trusted(alias);
  return pages === "entry_page"
    ? sql`NULLIF((array_agg(${a}.entry_path ORDER BY ${a}.entry_at, ${a}.entry_path COLLATE "C") FILTER (WHERE ${a}.entry_at IS NOT NULL))[1], '')`
    : sql`NULLIF((array_agg(${a}.exit_path ORDER BY ${a}.exit_at DESC, ${a}.exit_path COLLATE "C" DESC) FILTER (WHERE ${a}.exit_at IS NOT NULL))[1], '')`;
}

/** The same from raw rows (ts, name, dim = the path), as sessionEventsSql defines it. */
function rawPageOfSql(pages: SessionDimension): Sql {
  const pageview = isPageviewSql(sql`name`);
  return pages === "entry_page"
    ? sql`(array_agg(dim ORDER BY ts, dim COLLATE "C" NULLS FIRST) FILTER (WHERE ${pageview}))[1]`
    : sql`(array_agg(dim ORDER BY ts DESC, dim COLLATE "C" DESC NULLS LAST) FILTER (WHERE ${pageview}))[1]`;
}

const sessionRollupRowsSql =
  ({ watermark, selector, longestHours }: SessionRollupPlan): GroupedSql =>
  (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    // The page the sessions are grouped by or filtered on (one of entry and exit).
    const pages = grouping.dimension ?? selector.pages?.dimension;
    if (
      scope.event !== undefined ||
      (pages !== undefined &&
        (!isSessionDimension(pages) || selector.key || selector.profile?.dimensions.length === 2)) ||
      (selector.pages && pages !== selector.pages.dimension)
    )
      throw new Error("query not answerable from session rollups");
    const bucketOf = (time: Sql) =>
      grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${scope.timezone})` : sql`NULL::timestamptz`;
    // The range's whole hours; its partial hours at either end are read raw (the tail), as arrivals are.
    const hours = rolledHours(scope);
    const from = sql`${hours.from}::timestamptz`;
    const to = sql`${hours.to}::timestamptz`;
    const longest = sql`${longestHours}::int * interval '1 hour'`;
    const { key, profile } = selector;
    const dimensions: readonly ProfileDimension[] = profile?.dimensions ?? [];
    // A fragment's (alias f) profile value as session_counts store it: one column, or a pair's JSON.
    const profileColumn = profile
      ? trusted(profileValueSql(dimensions.map((d) => `f.${d}`) as [string] | [string, string]))
      : null;
    const profileBit = dimensions.reduce((bits, d) => bits | PROFILE_DIMENSIONS[d].bit, 0);
    /** A stored profile value's part for one dimension of the profile, "no value" still ''. */
    const part = (value: Sql, dimension: ProfileDimension) =>
      dimensions.length === 1 ? value : sql`((${value})::jsonb ->> ${dimensions.indexOf(dimension)}::int)`;
    // Whether a stored profile value (or NULL) passes the profile's filters.
    const passes = (value: Sql) =>
      join(
        [
          sql`TRUE`,
          ...(profile?.filters ?? []).map((f) =>
            textFilterCondition(f, sql`NULLIF(${part(value, f.field as ProfileDimension)}, '')`),
          ),
        ],
        " AND ",
      );
    // The same on session_counts' column: written on the bare column where it can be (fields.ts: read
    // through the index as written), a pair's values as one text where each is an equality.
    const passesStored = (column: Sql) => {
      if (!profile) return sql`${column} = ''`;
      if (dimensions.length === 1)
        return join([sql`TRUE`, ...profile.filters.map((f) => storedTextFilterCondition(f, column))], " AND ");
      const equal = dimensions.map((d) =>
        profile.filters.find(
          (f) => f.field === d && f.op === "equals" && typeof f.value === "string" && f.value !== "",
        ),
      );
      const pairValue = equal.every((f) => f)
        ? sql`${column} = jsonb_build_array(${String(equal[0]?.value)}::text, ${String(equal[1]?.value)}::text)::text AND `
        : sql``;
      return sql`${pairValue}${passes(column)}`;
    };

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
               ${keyField("pageviews")} AS pageviews, ${keyField("interactions")} AS interactions,
               NULL::timestamptz AS entry_at, NULL::text AS entry_path, NULL::timestamptz AS exit_at, NULL::text AS exit_path
        FROM frags f CROSS JOIN LATERAL generate_subscripts(f.keys, 1) AS i
        WHERE ${keyField("id")} = ${keyId}`
      : sql`
        SELECT f.session_id, f.hour, f.mixed, ${profileColumn ?? sql`''`} AS profile_value, f.first_at, f.last_at, f.pageviews, f.interactions,
               f.hour + f.entry_ms * interval '1 millisecond' AS entry_at, f.entry_path,
               f.hour + f.exit_ms * interval '1 millisecond' AS exit_at, f.exit_path
        FROM frags f`;
    // Sessions whose events differ in the filtered profile dimension are counted under no value of it.
    // `mixed <> 0` is session_fragments_mixed_idx's predicate, stated so the planner can use it (it
    // cannot infer it from the bit test): without it every fragment of the range is read (~1 s at 10M events).
    const mixedInRange = profile
      ? sql`
        UNION ALL
        SELECT f.session_id FROM session_fragments f
        WHERE ${tenantCondition(scope, "f")} AND f.mixed <> 0 AND f.mixed & ${profileBit} <> 0 AND f.hour >= ${from} AND f.hour < ${to}`
      : sql``;
    // What the counts hold for a special session: its part, if the range holds it whole and it is counted.
    const counted = profile
      ? sql`bool_and(e.mixed & ${profileBit} = 0) AND ${passes(sql`min(e.profile_value)`)}`
      : sql`TRUE`;
    const asSession = (alias: string, sign: number) => {
      const [a, n] = [trusted(alias), trusted(String(sign))];
      return sql`
      SELECT ${bucketOf(sql`${a}.started_at`)} AS b, ${a}.dim, ${n} AS n, ${n} * (${a}.pageviews > 0)::int AS pageview_sessions,
             ${n} * (${a}.pageviews = 1 AND ${a}.interactions = 0)::int AS bounces, ${n} * ${a}.duration_us AS duration_us,
             ${n} * ${a}.pageviews AS pageviews`;
    };
    // The counts of whole sessions by entry or exit page (part 1, 2), or of the selected parts (part 0).
    const countsWhere = sql`${tenantCondition(scope, "c")} AND c.part = ${pages ? PAGE_PARTS[pages] : 0}
        AND c.profile_dimension = ${profile ? profileName(profile.dimensions) : ""}
        AND ${passesStored(sql`c.profile_value`)}
        ${pages ? sql`` : sql`AND c.key_id = ${keyId ?? sql`0`}`}
        AND c.first_hour >= ${from} AND c.first_hour < ${to} AND c.last_hour < ${to}`;
    const countsRows = pages
      ? sql`
      SELECT c.b, NULLIF(v.value, '') AS dim, c.n, c.pageview_sessions, c.bounces, c.duration_us, c.pageviews
      FROM (
        SELECT ${bucketOf(sql`c.first_hour`)} AS b, c.key_id, sum(c.sessions) AS n, sum(c.pageview_sessions) AS pageview_sessions,
               sum(c.bounces) AS bounces, sum(c.duration_us) AS duration_us, sum(c.pageviews) AS pageviews
        FROM session_counts c WHERE ${countsWhere}
        GROUP BY 1, 2
      ) c
      LEFT JOIN session_key_values v ON ${tenantCondition(scope, "v")} AND v.id = c.key_id`
      : sql`
      SELECT ${bucketOf(sql`c.first_hour`)} AS b, NULL::text AS dim, c.sessions AS n, c.pageview_sessions, c.bounces, c.duration_us, c.pageviews
      FROM session_counts c WHERE ${countsWhere}`;
    const pageOf = (alias: string) => (pages ? pageOfSql(pages, alias) : sql`NULL::text`);
    const pageColumns = sql`entry_at, entry_path, exit_at, exit_path`;
    const pagesPass = selector.pages
      ? join(
          selector.pages.filters.map((f) => textFilterCondition(f, sql`u.dim`)),
          " AND ",
        )
      : sql`TRUE`;
    let dimSelect = grouping.dimension ? sql`u.dim` : sql`NULL::text`;
    let isOther = sql`false`;
    if (grouping.top) {
      const { inTop } = topGroup(sql`u.dim`, grouping.top);
      dimSelect = sql`CASE WHEN ${inTop} THEN u.dim END`;
      isOther = sql`NOT ${inTop}`;
    }
    return sql`
    WITH tail AS MATERIALIZED (
      ${unrolledEventsSql(scope, watermark, sql`e.session_id, e.timestamp AS ts, e.name, e.path`, sql`e.session_id IS NOT NULL`)}
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
             sum(e.pageviews) AS pageviews, sum(e.interactions) AS interactions, ${pageOf("e")} AS dim
      FROM entries e GROUP BY e.session_id
      HAVING min(e.hour) >= ${from} AND max(e.hour) < ${to} AND ${counted}
    ),
    exact AS (
      SELECT min(x.first_at) AS started_at, ${durationMicrosSql(sql`min(x.first_at)`, sql`max(x.last_at)`)} AS duration_us,
             sum(x.pageviews) AS pageviews, sum(x.interactions) AS interactions, ${pageOf("x")} AS dim
      FROM (
        SELECT e.session_id, e.first_at, e.last_at, e.pageviews, e.interactions, ${pageColumns} FROM entries e
        WHERE e.hour >= ${from} AND e.hour < ${to} AND ${passes(sql`e.profile_value`)}
        UNION ALL
        SELECT session_id, ts, ts, ${isPageviewSql(sql`name`)}::int, ${isInteractionSql(sql`name`)}::int,
               CASE WHEN ${isPageviewSql(sql`name`)} THEN ts END, COALESCE(path, ''), CASE WHEN ${isPageviewSql(sql`name`)} THEN ts END, COALESCE(path, '')
        FROM tail
      ) x
      GROUP BY x.session_id
    ),
    idless AS (
      SELECT ${sessionColumnsSql}, ${pages ? rawPageOfSql(pages) : sql`NULL::text`} AS dim
      FROM (${idlessSessionEventsSql(scope, pages ? sql`e.path` : sql`NULL::text`)}) k GROUP BY session_key
    )
    SELECT u.b AS bucket, ${dimSelect} AS dim, ${isOther} AS is_other, ${aggregate(measure)} AS value
    FROM (
      ${countsRows}
      UNION ALL
      ${asSession("w", -1)} FROM counted w
      UNION ALL
      ${asSession("r", 1)} FROM exact r
      UNION ALL
      ${asSession("i", 1)} FROM idless i
    ) u
    WHERE ${pagesPass}
    GROUP BY 1, 2, 3
    HAVING sum(u.n) > 0`;
  };

/**
 * Rows (bucket, dim, is_other, value) like groupedMeasureSql's, for the session measures above,
 * unbroken down or by entry or exit page.
 */
export const sessionRollupGroupedSql = (plan: SessionRollupPlan): GroupedSql =>
  Object.assign(sessionRollupRowsSql(plan), {
    // Every session has one entry and one exit page (or none): sessions add up into "other".
    topAndOther: additiveTopAndOtherSql(sessionRollupRowsSql(plan), ["sessions"]),
  });
