// New vs returning visitors and first-touch attributes, from actor_first_seen (kept by
// first-seen-refresh.ts) merged with the events that arrived after its watermark, so answers are
// exact between refreshes too.
//
// Actors are keyed as unique users are: the events' `actor`, the hash of the user id, else the
// anonymous id. A visitor who browsed anonymously and then signed in is two actors, the anonymous id
// first seen on its first event and the user id on the first event carrying it (events without
// either belong to no one: no visitor type).
//
// A visitor is new in a period when first seen in it, else returning:
// - the period is the query's range for metrics, breakdowns, funnels and a trend's totals, and each
//   bucket (cut to the range) for a trend's buckets: new_users per day counts who was first seen
//   that day, so the buckets of one visitor's first week show them new once, then returning;
// - filters select visitors for the whole range ("visitor_type = new": first seen in the range),
//   like the conversion filters, whatever the buckets.
// First seen is over all the project's history; it outlives the raw events retention deletes (an
// aggregate, like the rollups), so a visitor back after their events expired is still returning.
import "server-only";
import type pg from "pg";
import { rolledHours } from "./edge-hours";
import { dimensionText, filterValues, textFilterCondition } from "./fields";
import { additiveTopAndOtherSql, type GroupedSql, type Grouping, type Interval, topGroup } from "./measure";
import type { Dimension, Filter, Measure, QueryDefinition } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";
import { isVisitorDimension, VISITOR_TYPES, type VisitorDimension, type VisitorType } from "./vocabulary";

type Db = Pick<pg.Pool, "query">;

/** Measures that read first seen. */
const FIRST_SEEN_MEASURES = new Set<Measure["type"]>(["new_users", "returning_users"]);

export function isFirstSeenMeasure(measure: Measure): boolean {
  return FIRST_SEEN_MEASURES.has(measure.type);
}

export function isVisitorFilter(filter: Filter): boolean {
  return isVisitorDimension(filter.field);
}

function groupByOf(query: QueryDefinition): Dimension | undefined {
  if (query.kind === "trend" || query.kind === "funnel") return query.breakdown?.dimension;
  if (query.kind === "breakdown") return query.dimension;
  return undefined;
}

/** Whether the query reads first seen anywhere: a measure, a dimension or a filter (a funnel step's too). */
export function queryUsesFirstSeen(query: QueryDefinition): boolean {
  const filters = [...query.filters, ...(query.kind === "funnel" ? query.steps.flatMap((s) => s.filters) : [])];
  const groupBy = groupByOf(query);
  return (
    ("measure" in query && isFirstSeenMeasure(query.measure)) ||
    (groupBy !== undefined && isVisitorDimension(groupBy)) ||
    filters.some(isVisitorFilter)
  );
}

/** first_seen_state's watermark in the query's snapshot, as text ('-infinity' before the first fold). */
export async function readFirstSeenWatermark(db: Db): Promise<string> {
  const { rows } = await db.query<{ watermark: string }>("SELECT watermark::text FROM first_seen_state WHERE id = 1");
  return rows[0]?.watermark ?? "-infinity";
}

/**
 * Rows (actor, first_seen_at, first_referrer, first_utm_source, first_path) of every actor of the
 * scope's project: its stored row, unless an event that arrived after the watermark is earlier
 * (timestamp, then event id), and then that event. The watermark is a literal where the query read
 * it (the planner then sees how few rows arrived since and reads them through the received_at BRIN
 * index); conditions on the result are pushed into both branches (a range of first_seen_at reads a
 * range of the index).
 */
export function effectiveFirstSeenSql(scope: QueryScope): Sql {
  const watermark =
    scope.firstSeenWatermark === undefined
      ? sql`(SELECT s.watermark FROM first_seen_state s WHERE s.id = 1)`
      : sql`${scope.firstSeenWatermark}::timestamptz`;
  const arrived = (alias: string) =>
    sql`${tenantCondition(scope, alias)} AND ${trusted(alias)}.received_at > ${watermark} AND ${trusted(alias)}.actor IS NOT NULL`;
  return sql`
    SELECT t.actor, t.first_seen_at, t.first_referrer, t.first_utm_source, t.first_path
    FROM actor_first_seen t
    WHERE ${tenantCondition(scope, "t")}
      AND NOT EXISTS (
        SELECT 1 FROM events l
        WHERE ${arrived("l")} AND l.actor = t.actor AND (l.timestamp, l.event_id) < (t.first_seen_at, t.first_event_id))
    UNION ALL
    SELECT l.actor, l.first_seen_at, l.first_referrer, l.first_utm_source, l.first_path
    FROM (
      SELECT DISTINCT ON (a.actor) a.actor, a.timestamp AS first_seen_at, a.event_id AS first_event_id,
             a.referrer_host AS first_referrer, a.utm_source AS first_utm_source, a.path AS first_path
      FROM events a
      WHERE ${arrived("a")}
      ORDER BY a.actor, a.timestamp, a.event_id
    ) l
    WHERE NOT EXISTS (
      SELECT 1 FROM actor_first_seen t
      WHERE ${tenantCondition(scope, "t")} AND t.actor = l.actor AND (t.first_seen_at, t.first_event_id) <= (l.first_seen_at, l.first_event_id))`;
}

/** `LEFT JOIN` of each event (alias `alias`) with its actor's first seen (alias f). */
export function firstSeenJoinSql(scope: QueryScope, alias = "e"): Sql {
  return sql`LEFT JOIN (${effectiveFirstSeenSql(scope)}) f ON f.actor = ${trusted(alias)}.actor`;
}

/**
 * Where a period starts for an event (alias `alias`) of the scope: the range's start, or with an
 * interval its bucket's, cut to the range.
 */
export function periodStartSql(scope: QueryScope, interval?: Interval, alias = "e"): Sql {
  const from = sql`${scope.from}::timestamptz`;
  return interval
    ? sql`GREATEST(date_trunc(${interval}, ${trusted(alias)}.timestamp, ${scope.timezone}), ${from})`
    : from;
}

/** A visitor dimension's value from a first-seen row (alias f): visitor_type relative to `periodStart`. */
export function visitorValueSql(dimension: VisitorDimension, periodStart: Sql, alias = "f"): Sql {
  const f = trusted(alias);
  switch (dimension) {
    case "visitor_type":
      return sql`CASE WHEN ${f}.first_seen_at IS NULL THEN NULL WHEN ${f}.first_seen_at >= ${periodStart} THEN 'new' ELSE 'returning' END`;
    case "first_referrer":
      return sql`${f}.first_referrer`;
    case "first_utm_source":
      return sql`${f}.first_utm_source`;
    case "first_page":
      return sql`${f}.first_path`;
  }
}

/**
 * An event's (alias e) value of a dimension to group by: its column or property, or for a visitor
 * dimension its actor's first seen (alias f, joined by firstSeenJoinSql), the visitor type against
 * the event's period (the range, or its bucket with an interval).
 */
export function groupingDimensionSql(scope: QueryScope, dimension: Dimension, interval?: Interval): Sql {
  return isVisitorDimension(dimension)
    ? visitorValueSql(dimension, periodStartSql(scope, interval))
    : dimensionText(dimension, "e");
}

/** new_users and returning_users over the events (alias e) joined with first seen (alias f). */
export function firstSeenAggregateSql(measure: Measure, periodStart: Sql): Sql {
  const comparison = measure.type === "new_users" ? trusted(">=") : trusted("<");
  return sql`count(DISTINCT e.actor) FILTER (WHERE f.first_seen_at ${comparison} ${periodStart})::float8`;
}

/**
 * The scope's visitor filters on the events of `alias` (TRUE when it has none): each keeps the
 * events of the actors whose first-seen row matches it, classified against the range. An event
 * without an actor is matched as a visitor without values ("is not set", "is not").
 */
export function visitorFiltersCondition(scope: QueryScope, alias = "e"): Sql {
  const filters = scope.filters.filter(isVisitorFilter);
  if (filters.length === 0) return trusted("TRUE");
  const a = trusted(alias);
  const conditions = filters.map((filter) => {
    const value = visitorValueSql(filter.field as VisitorDimension, sql`${scope.from}::timestamptz`);
    // Every actor with an event in the range was first seen before its end.
    return sql`((${a}.actor IS NULL AND ${textFilterCondition(filter, sql`NULL::text`)}) OR ${a}.actor IN (
      SELECT f.actor FROM (${effectiveFirstSeenSql(scope)}) f
      WHERE f.first_seen_at < ${scope.to}::timestamptz AND ${textFilterCondition(filter, value)}))`;
  });
  return join(conditions, " AND ");
}

/** The visitor types a visitor_type filter keeps, or null for another visitor filter or operator. */
export function keptVisitorTypes(filter: Filter): VisitorType[] | null {
  if (filter.field !== "visitor_type") return null;
  const values = filterValues(filter);
  const named = VISITOR_TYPES.filter((type) => values.includes(type));
  switch (filter.op) {
    case "equals":
    case "in":
      return named;
    case "not_equals":
    case "not_in":
      return VISITOR_TYPES.filter((type) => !named.includes(type));
    default:
      return null;
  }
}

/**
 * Whether first seen and the visitors of the range answer the query: new or returning visitors, or
 * visitors by visitor_type (new visitors are those first seen in the period, returning the rest of
 * its visitors). Without filters or an event name, the new are counted from first seen alone; with
 * them (not for trends' buckets, nor with a visitor filter of its own but on the visitor type) they
 * are the filtered visitors with "visitor_type = new" (NEWCOMERS_FILTER), asked of whichever source
 * answers that.
 */
export function visitorTypeAnswerable(scope: QueryScope, query: QueryDefinition): boolean {
  if (query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown") return false;
  if (
    isFilteredScope(scope) &&
    (query.kind === "trend" || scope.filters.some((f) => isVisitorFilter(f) && !keptVisitorTypes(f)))
  )
    return false;
  const groupBy = groupByOf(query);
  return isFirstSeenMeasure(query.measure)
    ? groupBy === undefined
    : query.measure.type === "unique_users" && groupBy === "visitor_type";
}

export function isFilteredScope(scope: Pick<QueryScope, "filters" | "event">): boolean {
  return scope.filters.length > 0 || scope.event !== undefined;
}

/** Whether the scope's visitor filters keep new visitors (each keeps "new", or there are none). */
export function keepsNewcomers(scope: Pick<QueryScope, "filters">): boolean {
  return scope.filters.every((f) => !isVisitorFilter(f) || (keptVisitorTypes(f) ?? []).includes("new"));
}

/** What keeps the range's new visitors, the visitors first seen in it. */
const NEWCOMERS_FILTER: Filter = { field: "visitor_type", op: "equals", value: "new" };

export function withNewcomersFilter<T extends { readonly filters: readonly Filter[] }>(scopeOrQuery: T): T {
  return { ...scopeOrQuery, filters: [...scopeOrQuery.filters, NEWCOMERS_FILTER] };
}

/** The query whose unique users visitorTypeGroupedSql splits: same range, buckets and filters, no breakdown. */
export function visitorsQueryOf(query: QueryDefinition): QueryDefinition {
  if (query.kind === "trend") return { ...query, measure: { type: "unique_users" }, breakdown: undefined };
  return { kind: "metric", measure: { type: "unique_users" }, compare: false, filters: query.filters };
}

/**
 * Visitors first seen in the scope's range (its firstSeenWatermark set), per bucket of their first
 * seen: the range's whole UTC hours from first_seen_hourly, its partial hours at either end from the
 * first_seen_at index, and the arrivals after the watermark as corrections: +1 where one is an
 * actor's first event (new, or earlier than the stored one), -1 for the stored first seen it
 * replaces. Exact whatever fold ran since the watermark was read: an arrival already folded is its
 * actor's stored first event and corrects nothing. The hours' buckets need a zone whose offset is
 * whole hours (checked by the planner).
 */
function newVisitorsSql(scope: QueryScope, bucketOf: (time: Sql) => Sql): Sql {
  const hours = rolledHours(scope);
  const partial = partialHoursConditions(scope).map(
    (condition) =>
      sql`SELECT ${bucketOf(sql`t.first_seen_at`)} AS bucket, 1::bigint AS n FROM actor_first_seen t WHERE ${tenantCondition(scope, "t")} AND ${condition}`,
  );
  return sql`
    WITH moved AS MATERIALIZED (${movedFirstSeenSql(scope)})
    SELECT u.bucket, sum(u.n)::float8 AS n
    FROM (
      SELECT ${bucketOf(sql`h.hour`)} AS bucket, h.visitors AS n
      FROM first_seen_hourly h
      WHERE ${tenantCondition(scope, "h")} AND h.hour >= ${hours.from}::timestamptz AND h.hour < ${hours.to}::timestamptz
      ${partial.length ? sql`UNION ALL ${join(partial, " UNION ALL ")}` : sql``}
      UNION ALL
      SELECT ${bucketOf(sql`m.moved_to`)}, 1 FROM moved m WHERE ${inRangeSql(scope, sql`m.moved_to`)}
      UNION ALL
      SELECT ${bucketOf(sql`m.moved_from`)}, -1 FROM moved m WHERE ${inRangeSql(scope, sql`m.moved_from`)}
    ) u
    GROUP BY 1`;
}

export function inRangeSql(scope: Pick<QueryScope, "from" | "to">, time: Sql): Sql {
  return sql`${time} >= ${scope.from}::timestamptz AND ${time} < ${scope.to}::timestamptz`;
}

/**
 * Conditions on a stored first seen (alias t) for the range's partial hours at either end: what the
 * hourly tables (whole hours from rolledHours) do not hold.
 */
export function partialHoursConditions(scope: Pick<QueryScope, "from" | "to">): Sql[] {
  const from = sql`${scope.from}::timestamptz`;
  const to = sql`${scope.to}::timestamptz`;
  const hours = rolledHours(scope);
  return [
    ...(hours.from > scope.from
      ? [sql`t.first_seen_at >= ${from} AND t.first_seen_at < least(${hours.from}::timestamptz, ${to})`]
      : []),
    ...(hours.to < scope.to
      ? [sql`t.first_seen_at >= greatest(${hours.to}::timestamptz, ${from}) AND t.first_seen_at < ${to}`]
      : []),
  ];
}

/**
 * Rows (actor, moved_to, moved_from) of the actors whose first seen the arrivals after the scope's
 * firstSeenWatermark move: to their earliest arrival, from the stored one (null for a new actor).
 */
export function movedFirstSeenSql(scope: QueryScope): Sql {
  const watermark = sql`${scope.firstSeenWatermark ?? "-infinity"}::timestamptz`;
  return sql`
    SELECT l.actor, l.first_seen_at AS moved_to, t.first_seen_at AS moved_from
    FROM (
      SELECT DISTINCT ON (a.actor) a.actor, a.timestamp AS first_seen_at, a.event_id AS first_event_id
      FROM events a
      WHERE ${tenantCondition(scope, "a")} AND a.received_at > ${watermark} AND a.actor IS NOT NULL
      ORDER BY a.actor, a.timestamp, a.event_id
    ) l
    LEFT JOIN actor_first_seen t ON ${tenantCondition(scope, "t")} AND t.actor = l.actor
    WHERE t.actor IS NULL OR (l.first_seen_at, l.first_event_id) < (t.first_seen_at, t.first_event_id)`;
}

/**
 * Rows (bucket, dim, is_other, value) like groupedMeasureSql's for the shapes visitorTypeAnswerable
 * accepts: new visitors are those first seen in the period (newVisitorsSql, or under filters the
 * unique users `newcomers` answers with NEWCOMERS_FILTER added; "none" under a filter that keeps only
 * returning visitors), returning ones the period's visitors
 * (from `visitors`, whichever source answers unique users) less the new. The two add up to the
 * visitors, so a breakdown's "other" is a sum.
 */
export function visitorTypeGroupedSql(
  visitors: GroupedSql,
  watermark: string,
  newcomers?: GroupedSql | "none",
): GroupedSql {
  const grouped = (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    const at = { ...scope, firstSeenWatermark: watermark };
    const bucketOf = (time: Sql) =>
      grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${scope.timezone})` : sql`NULL::timestamptz`;
    const fresh =
      newcomers === "none"
        ? sql`SELECT NULL::timestamptz AS bucket, 0::float8 AS n WHERE false`
        : newcomers
          ? sql`SELECT f.bucket, f.value AS n FROM (${newcomers(withNewcomersFilter(at), { type: "unique_users" }, { interval: grouping.interval })}) f`
          : newVisitorsSql(at, bucketOf);
    const perPeriod = sql`
      SELECT v.bucket, v.value AS visitors, COALESCE(n.n, 0) AS fresh
      FROM (${visitors(at, { type: "unique_users" }, { interval: grouping.interval })}) v
      LEFT JOIN (${fresh}) n ON n.bucket IS NOT DISTINCT FROM v.bucket`;
    if (measure.type === "new_users" || measure.type === "returning_users")
      return sql`
        SELECT p.bucket, NULL::text AS dim, false AS is_other, ${measure.type === "new_users" ? sql`p.fresh` : sql`p.visitors - p.fresh`} AS value
        FROM (${perPeriod}) p`;
    if (measure.type !== "unique_users" || grouping.dimension !== "visitor_type")
      throw new Error("query not answerable from first seen");
    const typed = trusted("t.visitor_type");
    const { inTop } = grouping.top ? topGroup(typed, grouping.top) : { inTop: trusted("true") };
    return sql`
      SELECT t.bucket, CASE WHEN ${inTop} THEN t.visitor_type END AS dim, NOT ${inTop} AS is_other, sum(t.value)::float8 AS value
      FROM (
        SELECT p.bucket, v.visitor_type, v.value
        FROM (${perPeriod}) p
        CROSS JOIN LATERAL (VALUES ('new', p.fresh), ('returning', p.visitors - p.fresh)) v(visitor_type, value)
      ) t
      WHERE t.value > 0
      GROUP BY 1, 2, 3`;
  };
  return Object.assign(grouped, {
    topAndOther: (scope: QueryScope, measure: Measure, dimension: Dimension, limit: number, order: "desc" | "asc") =>
      dimension === "visitor_type"
        ? additiveTopAndOtherSql(grouped, ["unique_users"])(scope, measure, dimension, limit, order)
        : null,
  });
}
