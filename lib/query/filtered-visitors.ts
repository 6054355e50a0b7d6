// Unique users under drill-down filters, from the daily per-value bitmaps: visitors by country of
// the /pricing page, visitors of one page on mobile, visitors by browser of one country. An actor
// did an event matching "path = /pricing and country = US" that day exactly when it is in both
// values' bitmaps, provided all its events that day had one country (device, browser, os): the
// profile dimensions nearly every actor keeps all day. So per day and chunk the query ANDs the
// bitmaps of the filters' values (and of each breakdown value), leaves out that day's mixed actors
// (mixed_actor_bitmaps) and adds them back from their own events (mixed_actor_days); the daily
// results are ORed over the range and counted. Events of at most one other dimension (path,
// referrer, a UTM field, or the event name) may be filtered or broken down on: two of those on one
// event is not an intersection of per-value sets, except for the pairs kept apart for it
// (pair-bitmaps-refresh.ts). What arrived after the watermark is read raw, and so are the partial
// days at either end of a range that does not start or end at a local midnight (edge-days.ts). Only
// in the time zone the bitmaps are in; otherwise other sources answer.
//
// A conversion filter ("visitors who did signup", or a goal the bitmaps hold: converted-actors.ts)
// keeps the actors who did one of its events anywhere in the range (several keep those in every
// one's set: a Goals row under "visitors who did signup"): the OR of those events' daily
// bitmaps over the range's whole days, with the actors of its partial days and later arrivals added
// by number. Every day's intersection is ANDed with that set, and so are the mixed actors' days
// (but one number under conversion filters alone is the set itself: each kept actor did an event in
// the range); the events read raw (partial days, arrivals) keep the actors in it (or in its raw
// part, for those without a number). So unique users and the conversion rate under it are exact
// without reading the kept actors' events.
//
// A visitor type filter ("visitor_type = new", what the New vs returning panel's new visitors are
// under a drill-down) is ANDed the same way with the range's new visitors (first-seen-bitmaps.ts),
// or with their complement for the returning ones.
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql, keptActorsSql, numberedActorsSql, numberInSetSql } from "./actor-bitmaps";
import { bitmapGroupsSql, bitmapTopAndOtherSql } from "./bitmap-results";
import { conversionRateSql, isActorSetFilter } from "./conversion-filter";
import { type Conversion, conversionOf, convertedActorSql, convertedCtes } from "./converted-actors";
import { undailiedEventsSql, wholeDaysCondition } from "./edge-days";
import {
  actorHash,
  dimensionText,
  groupByOf,
  storedTextFilterCondition,
  TEXT_FILTER_OPERATORS,
  textFilterCondition,
} from "./fields";
import { isVisitorFilter, keptVisitorTypes } from "./first-seen";
import { newcomerActorSql, newcomersCtes } from "./first-seen-bitmaps";
import type { GroupedSql, Grouping, TopAndOtherSql } from "./measure";
import { BITMAP_PAIRS, type BitmapPair, pairName } from "./pair-bitmaps-refresh";
import { ROLLED_DIMENSIONS } from "./rollups";
import {
  CONVERSION_FIELD,
  type Dimension,
  type Filter,
  GOAL_FIELD,
  type Measure,
  type QueryDefinition,
} from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { isProfileDimension } from "./session-selectors";
import { join, type Sql, sql, trusted } from "./sql";
import { VISITOR_TYPES, type VisitorType } from "./vocabulary";

type RolledDimension = keyof typeof ROLLED_DIMENSIONS;

export interface FilteredVisitorsPlan {
  /** The rollup watermark, as exact text. */
  watermark: string;
}

const isRolled = (dimension: Dimension): dimension is RolledDimension => dimension in ROLLED_DIMENSIONS;

interface Selection {
  /** Filters on the event name (the query's event included). */
  names: Sql[];
  /** Filters per rolled dimension. */
  byDimension: Map<RolledDimension, Filter[]>;
  groupBy: RolledDimension | undefined;
  /** The kept pair (pair-bitmaps-refresh.ts) when two dimensions that vary within a visit are involved. */
  pair: BitmapPair | null;
  /** The conversion filters': only the actors who did what each names in the range are counted. */
  converted: Conversion[];
  /** The one visitor type the visitor filters keep: only the actors first seen in the range (new) are counted, or only the others. */
  visitorType: VisitorType | null;
}

/**
 * The filters and breakdown as per-dimension conditions, when the bitmaps can answer them: every
 * filter a text condition on the name or a rolled dimension, the breakdown (if any) a rolled
 * dimension, and at most one dimension other than the profile ones, the name counting as one.
 */
function selectionOf(
  scope: Pick<QueryScope, "event" | "filters" | "goals">,
  groupBy: Dimension | undefined,
): Selection | null {
  if (groupBy !== undefined && !isRolled(groupBy)) return null;
  const names: Sql[] = scope.event === undefined ? [] : [sql`x.name = ${scope.event}`];
  const byDimension = new Map<RolledDimension, Filter[]>();
  const converted: Conversion[] = [];
  let visitorTypes: VisitorType[] = [...VISITOR_TYPES];
  for (const filter of scope.filters) {
    if (isVisitorFilter(filter)) {
      const kept = keptVisitorTypes(filter);
      if (kept === null) return null;
      visitorTypes = visitorTypes.filter((type) => kept.includes(type));
      continue;
    }
    if (filter.field === CONVERSION_FIELD || filter.field === GOAL_FIELD) {
      // Positive conversion filters the bitmaps hold (converted-actors.ts); "did not" reads raw.
      const conversion = conversionOf(filter, scope.goals);
      if (conversion === null) return null;
      converted.push(conversion);
      continue;
    }
    if (!TEXT_FILTER_OPERATORS.has(filter.op)) return null;
    if (filter.field === "event") names.push(textFilterCondition(filter, sql`x.name`));
    else if (isRolled(filter.field)) byDimension.set(filter.field, [...(byDimension.get(filter.field) ?? []), filter]);
    else return null;
  }
  // Both types keep every visitor; neither keeps none (left to raw events, as rare as it is pointless).
  if (visitorTypes.length === 0) return null;
  const visitorType = visitorTypes.length === 1 ? visitorTypes[0]! : null;
  const varying = new Set([...byDimension.keys(), ...(groupBy ? [groupBy] : [])].filter((d) => !isProfileDimension(d)));
  if (varying.size + (names.length > 0 ? 1 : 0) <= 1)
    return { names, byDimension, groupBy, pair: null, converted, visitorType };
  const pair = BITMAP_PAIRS.find((p) => varying.size === 2 && p.every((d) => varying.has(d)));
  return pair && names.length === 0 ? { names, byDimension, groupBy, pair, converted, visitorType } : null;
}

/**
 * Whether the existing daily bitmaps answer the query straight (rollups.ts): no conversion or visitor
 * type filter, and no filters but on the breakdown's own dimension, or only on the event name without
 * a breakdown.
 */
function answeredByValueBitmaps(selection: Selection): boolean {
  if (selection.converted.length > 0 || selection.visitorType !== null) return false;
  const dimensions = [...selection.byDimension.keys()];
  if (selection.names.length > 0) return dimensions.length === 0 && selection.groupBy === undefined;
  return dimensions.length === 0 || (dimensions.length === 1 && (selection.groupBy ?? dimensions[0]) === dimensions[0]);
}

/** Unique users of trends (by day, week or month), metrics and breakdowns the filtered intersections answer. */
export async function filteredVisitorsPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<FilteredVisitorsPlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown") return null;
  if (query.kind === "trend" && query.interval === "hour") return null;
  const selection = selectionOf(scope, groupByOf(query));
  if (!selection || answeredByValueBitmaps(selection)) return null;
  // The conversion rate is unique users with the conversion filter over unique users without it.
  const rate = query.measure.type === "conversion_rate" && selection.converted.length > 0;
  if (query.measure.type !== "unique_users" && !rate) return null;
  const typed = selection.visitorType !== null;
  if (typed && scope.firstSeenWatermark === undefined) return null;
  const { rows } = await db.query<{ ok: boolean; watermark: string | null }>(
    sql`SELECT EXISTS (SELECT 1 FROM rollup_daily_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone})
             AND EXISTS (SELECT 1 FROM mixed_actor_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone})
             AND (${selection.pair === null}::boolean
               OR EXISTS (SELECT 1 FROM pair_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone}))
             AND (NOT ${typed}::boolean
               OR EXISTS (SELECT 1 FROM first_seen_bitmap_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone})) AS ok,
        (SELECT watermark::text FROM rollup_state WHERE id = 1 AND isfinite(watermark)) AS watermark`.toQuery(),
  );
  const row = rows[0];
  return row?.ok && row.watermark ? { watermark: row.watermark } : null;
}

const allOf = (conditions: Sql[]) => join([sql`TRUE`, ...conditions], " AND ");

/** Rows (bucket, dim, is_other, value) like groupedMeasureSql's, for unique users; a breakdown's top and "other" in one statement. */
export function filteredVisitorsGroupedSql({ watermark }: FilteredVisitorsPlan): GroupedSql {
  const grouped: GroupedSql = Object.assign(
    (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
      if (measure.type === "conversion_rate") return conversionRateSql(grouped, scope, grouping);
      const { ctes, rows } = filteredVisitorRows(watermark, scope, measure, grouping.interval, grouping.dimension);
      return bitmapGroupsSql(ctes, rows, grouping.top);
    },
    {
      topAndOther: ((scope, measure, dimension, limit, order) => {
        if (measure.type !== "unique_users") return null;
        const { ctes, rows } = filteredVisitorRows(watermark, scope, measure, undefined, dimension);
        return bitmapTopAndOtherSql(ctes, rows, limit, order);
      }) satisfies TopAndOtherSql,
    },
  );
  return grouped;
}

/**
 * Per bucket of `interval` and chunk, the actors the scope's filters keep (its event's, if any): the
 * sets unique users count, as a subquery of rows (b, chunk, bits), several rows per bucket and chunk
 * (ORed by the reader). What retention under drill-down filters is made of (filtered-retention.ts).
 * Actors without a number yet are numbered by their rank among `shared` (numberedActorsSql), so
 * that sets made apart in one statement agree.
 */
export function filteredVisitorSetsSql(
  watermark: string,
  scope: QueryScope,
  interval: "day" | "week",
  shared: Sql,
): Sql {
  const { ctes, rows } = filteredVisitorRows(watermark, scope, { type: "unique_users" }, interval, undefined, shared);
  return sql`(WITH ${ctes} SELECT r.b, r.chunk, r.bits FROM ${rows} r)`;
}

/** The CTEs and rows (b, v, chunk, bits) of the filtered intersections, per bucket and breakdown value. */
function filteredVisitorRows(
  watermark: string,
  scope: QueryScope,
  measure: Measure,
  interval: Grouping["interval"],
  dimension: Dimension | undefined,
  /** The actors without a number the tail's temporary numbers are ranked among (numberedActorsSql). */
  shared?: Sql,
): { ctes: Sql; rows: Sql } {
  const selection = measure.type === "unique_users" ? selectionOf(scope, dimension) : null;
  if (!selection || interval === "hour") throw new Error("query not answerable from filtered bitmaps");
  const { names, byDimension, groupBy } = selection;
  const { pair } = selection;
  const tz = scope.timezone;
  const bucketOf = (time: Sql) => (interval ? sql`date_trunc(${interval}, ${time}, ${tz})` : sql`NULL::timestamptz`);
  const days = sql`x.timezone = ${tz} AND ${wholeDaysCondition(scope, sql`x.day`)}`;
  const valueFilters = (dimension: RolledDimension, value: Sql) =>
    allOf((byDimension.get(dimension) ?? []).map((f) => textFilterCondition(f, value)));
  // The same on a column storing "no value" as '' (fields.ts: estimated and indexed as written).
  const storedValueFilters = (dimension: RolledDimension, column: Sql) =>
    allOf((byDimension.get(dimension) ?? []).map((f) => storedTextFilterCondition(f, column)));
  const inPair = (dimension: RolledDimension | undefined) =>
    pair !== null && dimension !== undefined && (pair as readonly string[]).includes(dimension);

  // One bitmap per day and chunk per condition (the OR of the values it keeps); the breakdown's
  // dimension keeps its values apart (v).
  const factors: Sql[] = [];
  if (pair) {
    // Both dimensions of the pair at once: its values' bitmaps for a second value, and the first
    // value's bitmap without the "complete" actors for no second value (if the filters keep none).
    const [first, second] = pair;
    const valueIf = (dimension: RolledDimension, value: Sql) => (groupBy === dimension ? value : sql`NULL::text`);
    factors.push(sql`
        SELECT day, chunk, v, bit_or(bits) AS bits FROM (
          SELECT x.day, x.chunk, ${groupBy === first ? sql`NULLIF(x.a_value, '')` : valueIf(second, sql`x.b_value`)} AS v, x.bits
          FROM pair_actor_bitmaps x
          WHERE ${tenantCondition(scope, "x")} AND ${days} AND x.pair = ${pairName(pair)}
            AND ${storedValueFilters(first, sql`x.a_value`)} AND ${valueFilters(second, sql`x.b_value`)}
          UNION ALL
          SELECT x.day, x.chunk, ${valueIf(first, sql`NULLIF(x.value, '')`)}, CASE WHEN c.bits IS NULL THEN x.bits ELSE x.bits & ~c.bits END
          FROM dimension_actor_bitmaps x
          LEFT JOIN pair_complete_bitmaps c ON ${tenantCondition(scope, "c")} AND c.timezone = x.timezone AND c.pair = ${pairName(pair)}
           AND c.day = x.day AND c.a_value = x.value AND c.chunk = x.chunk
          WHERE ${tenantCondition(scope, "x")} AND ${days} AND x.dimension = ${first} AND ${storedValueFilters(first, sql`x.value`)}
            AND COALESCE(${valueFilters(second, sql`NULL::text`)}, false)
        ) p
        GROUP BY 1, 2, 3`);
  }
  if (names.length > 0) {
    factors.push(sql`
        SELECT x.day, x.chunk, NULL::text AS v, bit_or(x.bits) AS bits FROM event_actor_bitmaps x
        WHERE ${tenantCondition(scope, "x")} AND ${days} AND x.name <> '' AND ${allOf(names)}
        GROUP BY 1, 2`);
  }
  for (const dimension of byDimension.keys()) {
    if (dimension === groupBy || inPair(dimension)) continue;
    factors.push(sql`
        SELECT x.day, x.chunk, NULL::text AS v, bit_or(x.bits) AS bits FROM dimension_actor_bitmaps x
        WHERE ${tenantCondition(scope, "x")} AND ${days} AND x.dimension = ${dimension} AND ${storedValueFilters(dimension, sql`x.value`)}
        GROUP BY 1, 2`);
  }
  if (groupBy && !inPair(groupBy)) {
    factors.push(sql`
        SELECT x.day, x.chunk, NULLIF(x.value, '') AS v, x.bits FROM dimension_actor_bitmaps x
        WHERE ${tenantCondition(scope, "x")} AND ${days} AND x.dimension = ${groupBy} AND ${storedValueFilters(groupBy, sql`x.value`)}`);
  }
  // Only conversion filters, counted as one number: the kept actors themselves, each of whom did an
  // event in the range (the conversion's), which any day's bitmap or a mixed actor's day would only
  // repeat (read and ANDed, 20-30 ms of every Goals row at 10M events).
  const keptOnly =
    factors.length === 0 && selection.converted.length > 0 && selection.visitorType === null && interval === undefined;
  if (factors.length === 0 && !keptOnly) {
    // Otherwise only conversion or visitor type filters: any event's bitmaps (name ''), ANDed with
    // their sets below.
    factors.push(sql`
        SELECT x.day, x.chunk, NULL::text AS v, x.bits FROM event_actor_bitmaps x
        WHERE ${tenantCondition(scope, "x")} AND ${days} AND x.name = ''`);
  }
  const { converted, visitorType } = selection;
  const anyConverted = converted.length > 0;
  const dayStart = (alias: string) => sql`(${trusted(`${alias}.day`)}::timestamp AT TIME ZONE ${tz})`;

  // Per day and chunk, the factors and the filters' sets ANDed, less that day's mixed actors (added
  // back from their own events below).
  const intersectedCells = (): Sql => {
    const [first, ...rest] = factors.map((f, i) => ({ sql: f, alias: trusted(`f${i}`) }));
    if (!first) throw new Error("query not answerable from filtered bitmaps");
    const intersected = join(
      [
        ...factors.map((_, i) => trusted(`f${i}.bits`)),
        ...(anyConverted ? [trusted("c.bits")] : []),
        ...(visitorType === "new" ? [trusted("n.bits")] : []),
      ],
      " & ",
    );
    const joins = [
      ...rest.map((f) => sql`JOIN (${f.sql}) ${f.alias} ON ${f.alias}.day = f0.day AND ${f.alias}.chunk = f0.chunk`),
      ...(anyConverted ? [sql`JOIN converted c ON c.chunk = f0.chunk`] : []),
      ...(visitorType === null
        ? []
        : [sql`${visitorType === "new" ? sql`` : sql`LEFT `}JOIN newcomers n ON n.chunk = f0.chunk`]),
    ];
    // Bits less a set that may have no row for the chunk.
    const without = (bits: Sql, alias: string) =>
      sql`CASE WHEN ${trusted(alias)}.bits IS NULL THEN ${bits} ELSE (${bits}) & ~${trusted(alias)}.bits END`;
    // The pair's factor comes first and carries the breakdown's values when they are its own.
    const breakdownValue = groupBy ? trusted(`f${inPair(groupBy) ? 0 : factors.length - 1}.v`) : sql`NULL::text`;
    return sql`
      SELECT ${bucketOf(dayStart("f0"))} AS b, ${breakdownValue} AS v, f0.chunk,
             ${visitorType === "returning" ? without(without(intersected, "m"), "n") : without(intersected, "m")} AS bits
      FROM (${first.sql}) f0
      ${join(joins, "\n")}
      LEFT JOIN (
        SELECT x.day, x.chunk, x.bits FROM mixed_actor_bitmaps x WHERE ${tenantCondition(scope, "x")} AND ${days}
      ) m ON m.day = f0.day AND m.chunk = f0.chunk`;
  };
  const cells = keptOnly
    ? sql`SELECT NULL::timestamptz AS b, NULL::text AS v, c.chunk, c.bits FROM converted c`
    : intersectedCells();

  // The mixed actors' days matching the filters, of converted actors only (their events outside the
  // bitmaps are raw) and of the visitor type kept: numbers made bitmaps with the tail's.
  const mixedActorDays = (): Sql => {
    const comboValue = (dimension: RolledDimension) => trusted(`NULLIF(x.${dimension}, '')`);
    const mixedConditions = [
      ...names,
      ...[...byDimension.entries()].flatMap(([dimension, filters]) =>
        filters.map((f) => textFilterCondition(f, comboValue(dimension))),
      ),
    ];
    const isIn = (set: string) => numberInSetSql(set, sql`x.number`);
    const isConverted = anyConverted ? isIn("converted") : sql`TRUE`;
    const isTyped =
      visitorType === null ? sql`TRUE` : visitorType === "new" ? isIn("newcomers") : sql`NOT ${isIn("newcomers")}`;
    return sql`
      SELECT ${bucketOf(dayStart("x"))} AS b, ${groupBy ? comboValue(groupBy) : sql`NULL::text`} AS v, x.number
      FROM mixed_actor_days x
      WHERE ${tenantCondition(scope, "x")} AND ${days} AND ${allOf(mixedConditions)} AND ${isConverted} AND ${isTyped}`;
  };

  // The arrivals after the watermark and the partial days, read raw: they keep their actors by the
  // same sets (and the events those sets read raw).
  const eventsScope = { ...scope, filters: scope.filters.filter((f) => !isActorSetFilter(f)) };
  const tailKeeps = (actor: Sql) => {
    const isNewcomer = newcomerActorSql(scope, actor);
    return allOf([
      ...(anyConverted ? [convertedActorSql(scope, converted.length, actor)] : []),
      ...(visitorType === null ? [] : [visitorType === "new" ? isNewcomer : sql`NOT ${isNewcomer}`]),
    ]);
  };
  const keepsAll = !anyConverted && visitorType === null;
  const ctes = sql`${anyConverted ? sql`${convertedCtes(scope, watermark, converted)},` : sql``}
    ${visitorType === null ? sql`` : sql`${newcomersCtes(scope)},`}
    cells AS (${cells}),
    tail_events AS MATERIALIZED (
      ${undailiedEventsSql(eventsScope, watermark, sql`${bucketOf(sql`e.timestamp`)} AS b, ${groupBy ? dimensionText(groupBy, "e") : sql`NULL::text`} AS v, ${actorHash("e")} AS a`)}
    ),
    tail AS (
      SELECT t.b, t.v, t.a FROM tail_events t
      ${keepsAll ? sql`` : sql`WHERE t.a IN (${keptActorsSql("tail_events", tailKeeps)})`}
    ),
    numbered AS (
      ${keptOnly ? sql`` : sql`${mixedActorDays()} UNION ALL`}
      ${numberedActorsSql(scope, "tail", ["b", "v"], shared)}
    ),
    extra_bitmaps AS (${trusted(bitmapsFromNumbersSql("numbered", ["b", "v"]))})`;
  return {
    ctes,
    rows: sql`(SELECT b, v, chunk, bits FROM cells UNION ALL SELECT b, v, chunk, bits FROM extra_bitmaps)`,
  };
}
