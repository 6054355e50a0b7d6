// Resolves a query's time range to [from, to) instants in a time zone. PostgreSQL does the calendar
// arithmetic (date_trunc with a zone, lib/query/zone-time.ts), so day, week and month edges follow DST.
import "server-only";
import type pg from "pg";
import { ApiError } from "../errors";
import type { QueryRange } from "./schemas";
import { type Sql, sql } from "./sql";
import { addInZone } from "./zone-time";

export interface ResolvedRange {
  from: Date;
  to: Date;
}

function bounds(range: QueryRange, tz: string, now: Date): [Sql, Sql] {
  if ("from" in range) {
    // A bare date means that whole local day: `to` is inclusive.
    const edge = (value: string, nextDay: boolean) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? addInZone(sql`${value}::timestamp AT TIME ZONE ${tz}`, sql`${nextDay ? "1 day" : "0 days"}::interval`, tz)
        : sql`${value}::timestamptz`;
    return [edge(range.from, false), edge(range.to, true)];
  }
  const start = (unit: string) => sql`date_trunc(${unit}, ${now}::timestamptz, ${tz})`;
  const shift = (base: Sql, amount: string) => addInZone(base, sql`${amount}::interval`, tz);
  const today = start("day");
  switch (range.relative) {
    case "last_5_minutes":
      return [sql`${now}::timestamptz - interval '5 minutes'`, sql`${now}::timestamptz`];
    case "today":
      return [today, shift(today, "1 day")];
    case "yesterday":
      return [shift(today, "-1 day"), today];
    case "last_24_hours":
      return [sql`${now}::timestamptz - interval '24 hours'`, sql`${now}::timestamptz`];
    case "last_7_days":
      return [shift(today, "-6 days"), shift(today, "1 day")];
    case "last_30_days":
      return [shift(today, "-29 days"), shift(today, "1 day")];
    case "last_90_days":
      return [shift(today, "-89 days"), shift(today, "1 day")];
    case "this_week":
      return [start("week"), shift(start("week"), "1 week")];
    case "this_month":
      return [start("month"), shift(start("month"), "1 month")];
    case "last_month":
      return [shift(start("month"), "-1 month"), start("month")];
    case "this_year":
      return [start("year"), shift(start("year"), "1 year")];
  }
}

/**
 * The range as instants. rangeSchema keeps dates to 1970-2100 and real offsets; should PostgreSQL
 * still refuse the dates or the zone (a data exception, SQLSTATE class 22: e.g. a zone Node's Intl
 * knows but the server's zone database does not), the caller asked for it: a 400, not a 500.
 */
export async function resolveRange(
  db: Pick<pg.Pool, "query">,
  range: QueryRange,
  tz: string,
  now: Date,
): Promise<ResolvedRange> {
  const [from, to] = bounds(range, tz, now);
  try {
    // The zone is used here even when the edges carry offsets, so an unknown one fails here, as a 400.
    const { rows } = await db.query<{ from: Date; to: Date }>(
      sql`SELECT ${from} AS "from", ${to} AS "to", now() AT TIME ZONE ${tz} AS local_now`.toQuery(),
    );
    const row = rows[0]!;
    return { from: row.from, to: row.to };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("22"))
      throw new ApiError("invalid_request", "The range cannot be resolved in this time zone", [
        { path: "range", message: "cannot be resolved in this time zone" },
      ]);
    throw error;
  }
}

/** The period of equal length just before, for comparisons. */
export function previousRange(range: ResolvedRange): ResolvedRange {
  const length = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - length), to: range.from };
}

export const DEFAULT_RANGE: QueryRange = { relative: "last_30_days" };
