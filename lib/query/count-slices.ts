// Counts of events under filters that keep a set of actors, from actor_count_slices
// (count-slices-refresh.ts) rather than the kept actors' events: conversion filters ("pageviews of
// the visitors who did signup", their top pages, their custom events: the overview after clicking
// a custom event) and visitor type filters (the pageviews of the new visitors: the overview after
// clicking "New" in New vs returning). An actor's count of a day's cell (event name, or name and
// path) is stored bit-sliced over actor numbers: slice i holds the actors whose count has bit i set,
// so the kept actors' events of a cell are the sum over its slices of 2^i x bit_count(slice AND
// kept). The kept set is the one unique users under those filters read: the conversions' sets
// (converted-actors.ts) ANDed with the range's newcomers (first-seen-bitmaps.ts), or less them for
// the returning visitors. The range's whole local days come from the slices; its partial days and
// what arrived after the watermark are read raw and keep the same actors (by the sets' numbers and
// raw parts), so the answer is the raw answer.
//
// It answers counts (metrics, breakdowns by event name or path, trends by day, week or month) with
// filters on the event name only besides:
// a drill-down, "did not", "not new" (which keeps events without an actor) and both visitor types
// at once read raw events.
import "server-only";
import type pg from "pg";
import { keptActorsSql } from "./actor-bitmaps";
import { isActorSetFilter, isConversionFilter } from "./conversion-filter";
import { type Conversion, conversionOf, convertedActorSql, convertedCtes } from "./converted-actors";
import { undailiedEventsSql, wholeDaysCondition } from "./edge-days";
import { actorHash, dimensionText, groupByOf, TEXT_FILTER_OPERATORS, textFilterCondition } from "./fields";
import { isVisitorFilter, keptVisitorTypes } from "./first-seen";
import { newcomerActorSql, newcomersCtes } from "./first-seen-bitmaps";
import { type GroupedSql, type Grouping, topGroup } from "./measure";
import type { Dimension, Measure, QueryDefinition } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";
import { VISITOR_TYPES, type VisitorType } from "./vocabulary";

export interface CountSlicesPlan {
  /** The rollup watermark (the slices are folded with the hourly rollups), as exact text. */
  watermark: string;
}

interface Selection {
  conversions: Conversion[];
  /** The one visitor type the visitor filters keep, if any. */
  visitorType: VisitorType | null;
  /** Conditions on the stored cell's name (alias x). */
  names: Sql[];
  byPath: boolean;
}

/** What the slices count for the scope: null unless every filter keeps a set of actors or is on the name, and one does. */
function selectionOf(scope: QueryScope, groupBy: Dimension | undefined): Selection | null {
  if (groupBy !== undefined && groupBy !== "event" && groupBy !== "path") return null;
  const conversions: Conversion[] = [];
  const names: Sql[] = scope.event === undefined ? [] : [sql`x.name = ${scope.event}`];
  let visitorTypes: VisitorType[] = [...VISITOR_TYPES];
  let typed = false;
  for (const filter of scope.filters) {
    if (isVisitorFilter(filter)) {
      // "Not new" also keeps the events without an actor (visitorFiltersCondition), which no slice holds.
      const kept = filter.op === "equals" || filter.op === "in" ? keptVisitorTypes(filter) : null;
      if (kept === null) return null;
      visitorTypes = visitorTypes.filter((type) => kept.includes(type));
      typed = true;
    } else if (isConversionFilter(filter)) {
      const conversion = conversionOf(filter, scope.goals);
      if (conversion === null) return null;
      conversions.push(conversion);
    } else if (filter.field === "event" && TEXT_FILTER_OPERATORS.has(filter.op)) {
      names.push(textFilterCondition(filter, sql`x.name`));
    } else return null;
  }
  // Both types keep everyone (the daily counts' question), neither no one (raw, as rare as it is pointless).
  const visitorType = typed && visitorTypes.length === 1 ? visitorTypes[0]! : null;
  if (typed && visitorType === null) return null;
  if (conversions.length === 0 && visitorType === null) return null;
  return { conversions, visitorType, names, byPath: groupBy === "path" };
}

/** The slices answer a count under such filters while they and the sets' bitmaps are in the project's time zone. */
export async function countSlicesPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<CountSlicesPlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown") return null;
  if (query.measure.type !== "count" || (query.kind === "trend" && query.interval === "hour")) return null;
  const selection = selectionOf(scope, groupByOf(query));
  if (!selection) return null;
  const typed = selection.visitorType !== null;
  if (typed && scope.firstSeenWatermark === undefined) return null;
  const inZone = (table: string) =>
    sql`EXISTS (SELECT 1 FROM ${trusted(table)} s JOIN projects p ON p.id = s.project_id AND p.timezone = s.timezone
               WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone})`;
  const { rows } = await db.query<{ built: boolean; watermark: string | null }>(
    sql`SELECT ${inZone("count_slice_state")} AND ${inZone("rollup_daily_state")}
          AND (NOT ${typed}::boolean OR ${inZone("first_seen_bitmap_state")}) AS built,
        (SELECT watermark::text FROM rollup_state WHERE id = 1 AND isfinite(watermark)) AS watermark`.toQuery(),
  );
  const row = rows[0];
  return row?.built && row.watermark ? { watermark: row.watermark } : null;
}

/** Rows (bucket, dim, is_other, value) like groupedMeasureSql's, for a count under filters that keep a set of actors. */
export const countSlicesGroupedSql =
  ({ watermark }: CountSlicesPlan): GroupedSql =>
  (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    const selection = selectionOf(scope, grouping.dimension);
    if (measure.type !== "count" || grouping.interval === "hour" || !selection)
      throw new Error("query not answerable from the count slices");
    const { conversions, visitorType, names, byPath } = selection;
    const tz = scope.timezone;
    const bucketOf = (time: Sql) =>
      grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${tz})` : sql`NULL::timestamptz`;
    const storedDim =
      grouping.dimension === "event"
        ? sql`x.name`
        : grouping.dimension === "path"
          ? sql`NULLIF(x.path, '')`
          : sql`NULL::text`;
    const rawDim = grouping.dimension ? dimensionText(grouping.dimension, "e") : sql`NULL::text`;
    const conditions = [
      tenantCondition(scope, "x"),
      sql`x.timezone = ${tz} AND x.by_path = ${byPath} AND ${wholeDaysCondition(scope, sql`x.day`)}`,
      ...names,
    ];
    // The stored slices ANDed with the kept set: the conversions' (converted), the newcomers or not.
    const converted = conversions.length > 0;
    const keptBits = join(
      [sql`x.bits`, ...(converted ? [sql`c.bits`] : []), ...(visitorType === "new" ? [sql`n.bits`] : [])],
      " & ",
    );
    const bits =
      visitorType === "returning"
        ? sql`CASE WHEN n.bits IS NULL THEN ${keptBits} ELSE ${keptBits} & ~n.bits END`
        : keptBits;
    const joins = [
      ...(converted ? [sql`JOIN converted c ON c.chunk = x.chunk`] : []),
      ...(visitorType === null
        ? []
        : [sql`${visitorType === "new" ? sql`` : sql`LEFT `}JOIN newcomers n ON n.chunk = x.chunk`]),
    ];
    // The events read raw keep the same actors by those sets, not by the filters' semi-joins.
    const eventsScope = {
      ...scope,
      filters: scope.filters.filter((f) => !isActorSetFilter(f)),
    };
    const keeps = (actor: Sql) => {
      const isNewcomer = newcomerActorSql(scope, actor);
      return join(
        [
          ...(converted ? [convertedActorSql(scope, conversions.length, actor)] : []),
          ...(visitorType === null ? [] : [visitorType === "new" ? isNewcomer : sql`NOT ${isNewcomer}`]),
        ],
        " AND ",
      );
    };
    const tail = undailiedEventsSql(
      eventsScope,
      watermark,
      sql`${bucketOf(sql`e.timestamp`)} AS b, ${rawDim} AS dim, ${actorHash("e")} AS a`,
    );
    const ctes = [
      ...(converted ? [convertedCtes(scope, watermark, conversions)] : []),
      ...(visitorType === null ? [] : [newcomersCtes(scope)]),
      sql`tail AS MATERIALIZED (${tail})`,
      sql`tail_kept AS MATERIALIZED (${keptActorsSql("tail", keeps)})`,
    ];
    let dimSelect: Sql = sql`u.dim`;
    let isOther: Sql = sql`false`;
    if (grouping.top) {
      const { inTop } = topGroup(sql`u.dim`, grouping.top);
      dimSelect = sql`CASE WHEN ${inTop} THEN u.dim END`;
      isOther = sql`NOT ${inTop}`;
    }
    return sql`
      WITH ${join(ctes, ",\n")}
      SELECT u.b AS bucket, ${dimSelect} AS dim, ${isOther} AS is_other, sum(u.n)::float8 AS value
      FROM (
        SELECT ${bucketOf(sql`(x.day::timestamp AT TIME ZONE ${tz})`)} AS b, ${storedDim} AS dim,
               bit_count(${bits}) << x.slice AS n
        FROM actor_count_slices x ${join(joins, " ")}
        WHERE ${join(conditions, " AND ")}
        UNION ALL
        SELECT t.b, t.dim, 1 FROM tail t WHERE t.a IN (SELECT k.a FROM tail_kept k)
      ) u
      GROUP BY 1, 2, 3
      HAVING sum(u.n) > 0`;
  };
