// Sources kept per local day (the daily counts, the per-value and pair bitmaps of drill-downs)
// answer the whole local days of a range; its partial days at either end (the comparable part of a
// previous period cut at "now", instants a caller gives) are read raw, whatever their arrival, as
// arrivals after the watermark within the whole days are. The day-sized counterpart of
// edge-hours.ts: at most two partial days of the range's events are read raw.
import { type QueryScope, scopeCondition } from "./scope";
import { join, type Sql, sql } from "./sql";
import { addInZone } from "./zone-time";

/** The first and last local midnights inside the scope, as instants: [from, to) are its whole days (none if from >= to). */
export function wholeDayBounds(scope: Pick<QueryScope, "from" | "to" | "timezone">): { from: Sql; to: Sql } {
  const tz = scope.timezone;
  const start = sql`date_trunc('day', ${scope.from}::timestamptz, ${tz})`;
  return {
    from: sql`(CASE WHEN ${start} = ${scope.from}::timestamptz THEN ${scope.from}::timestamptz ELSE ${addInZone(start, sql`interval '1 day'`, tz)} END)`,
    to: sql`date_trunc('day', ${scope.to}::timestamptz, ${tz})`,
  };
}

/** The condition on a daily table's local `day` column that keeps the scope's whole days. */
export function wholeDaysCondition(scope: Pick<QueryScope, "from" | "to" | "timezone">, day: Sql): Sql {
  const bounds = wholeDayBounds(scope);
  const localDay = (instant: Sql) => sql`(${instant} AT TIME ZONE ${scope.timezone})::date`;
  return sql`${day} >= ${localDay(bounds.from)} AND ${day} < ${localDay(bounds.to)}`;
}

/**
 * `SELECT columns` from the scope's events that daily tables up to the watermark do not hold: the
 * partial days at either end, and what arrived after the watermark within the whole days. Disjoint
 * conditions, one scan each (the timestamp index, or the received_at BRIN), UNION ALL'd.
 */
export function undailiedEventsSql(scope: QueryScope, watermark: string, columns: Sql): Sql {
  const bounds = wholeDayBounds(scope);
  const conditions = [
    sql`e.timestamp < least(${bounds.from}, ${scope.to}::timestamptz)`,
    // A range inside one day has its first whole day's start after its end: nothing is left here.
    sql`e.timestamp >= greatest(${bounds.to}, ${bounds.from})`,
    sql`e.received_at > ${watermark}::timestamptz AND e.timestamp >= ${bounds.from} AND e.timestamp < ${bounds.to}`,
  ];
  return join(
    conditions.map((condition) => sql`SELECT ${columns} FROM events e WHERE ${scopeCondition(scope)} AND ${condition}`),
    " UNION ALL ",
  );
}
