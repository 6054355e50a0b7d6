// Resolves a query's time range to [from, to) instants in a time zone, and the previous period it is
// compared with. PostgreSQL does the calendar arithmetic (date_trunc with a zone,
// lib/query/zone-time.ts), so day, week and month edges follow DST.
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

/**
 * How far back the previous period lies: one period of the range in the zone's calendar (a day, 7
 * days, a month...: local midnights stay midnights across DST and months of different lengths), or,
 * for ranges given as instants and the rolling ones, the range's length in absolute time.
 */
export type PeriodShift = { calendar: true; interval: string } | { calendar: false; seconds: number };

/**
 * The previous period: [from, to) one shift earlier. While the range is not over (now before its
 * end), only its part up to `comparableTo` is comparable: as far into it as now is into the range,
 * on the same local time of day (today until 14:37 against yesterday until 14:37).
 */
export interface ComparisonRange extends ResolvedRange {
  comparableTo: Date;
  shift: PeriodShift;
}

export interface ResolvedQueryRange extends ResolvedRange {
  previous: ComparisonRange;
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

const PRESET_SHIFTS: Record<Exclude<QueryRange, { from: string }>["relative"], PeriodShift> = {
  last_5_minutes: { calendar: false, seconds: 5 * 60 },
  last_24_hours: { calendar: false, seconds: 24 * 3600 },
  today: { calendar: true, interval: "1 day" },
  yesterday: { calendar: true, interval: "1 day" },
  last_7_days: { calendar: true, interval: "7 days" },
  last_30_days: { calendar: true, interval: "30 days" },
  last_90_days: { calendar: true, interval: "90 days" },
  this_week: { calendar: true, interval: "7 days" },
  this_month: { calendar: true, interval: "1 month" },
  last_month: { calendar: true, interval: "1 month" },
  this_year: { calendar: true, interval: "1 year" },
};

function periodShift(range: QueryRange, resolved: ResolvedRange): PeriodShift {
  if ("relative" in range) return PRESET_SHIFTS[range.relative];
  if (isDate(range.from) && isDate(range.to)) {
    const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
    return { calendar: true, interval: `${days} days` };
  }
  return { calendar: false, seconds: (resolved.to.getTime() - resolved.from.getTime()) / 1000 };
}

/** `t` moved by the shift, backwards (-1) or forwards (1). */
export function shiftSql(t: Sql, shift: PeriodShift, direction: -1 | 1, tz: string): Sql {
  if (shift.calendar) return addInZone(t, sql`${direction}::int * ${shift.interval}::interval`, tz);
  return sql`(${t} + make_interval(secs => ${direction * shift.seconds}::float8))`;
}

function bounds(range: QueryRange, tz: string, now: Date): [Sql, Sql] {
  if ("from" in range) {
    // A bare date means that whole local day: `to` is inclusive.
    const edge = (value: string, nextDay: boolean) =>
      isDate(value)
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
 * The range as instants, and its previous period. rangeSchema keeps dates to 1970-2100 and real
 * offsets; should PostgreSQL still refuse the dates or the zone (a data exception, SQLSTATE class 22:
 * e.g. a zone Node's Intl knows but the server's zone database does not), the caller asked for it: a
 * 400, not a 500.
 */
export async function resolveRange(
  db: Pick<pg.Pool, "query">,
  range: QueryRange,
  tz: string,
  now: Date,
): Promise<ResolvedQueryRange> {
  const [from, to] = bounds(range, tz, now);
  let resolved: ResolvedRange;
  try {
    // The zone is used here even when the edges carry offsets, so an unknown one fails here, as a 400.
    const { rows } = await db.query<{ from: Date; to: Date }>(
      sql`SELECT ${from} AS "from", ${to} AS "to", now() AT TIME ZONE ${tz} AS local_now`.toQuery(),
    );
    resolved = { from: rows[0]!.from, to: rows[0]!.to };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("22"))
      throw new ApiError("invalid_request", "The range cannot be resolved in this time zone", [
        { path: "range", message: "cannot be resolved in this time zone" },
      ]);
    throw error;
  }
  const shift = periodShift(range, resolved);
  const back = (t: Date) => shiftSql(sql`${t}::timestamptz`, shift, -1, tz);
  const { rows } = await db.query<{ from: Date; to: Date; now: Date }>(
    sql`SELECT ${back(resolved.from)} AS "from", ${back(resolved.to)} AS "to", ${back(now)} AS now`.toQuery(),
  );
  const previous = rows[0]!;
  // Cut where now falls in the range, shifted back; a range not begun yet has nothing comparable.
  const cut = Math.min(previous.to.getTime(), Math.max(previous.from.getTime(), previous.now.getTime()));
  const comparableTo = now < resolved.to ? new Date(cut) : previous.to;
  return { ...resolved, previous: { from: previous.from, to: previous.to, comparableTo, shift } };
}

export const DEFAULT_RANGE: QueryRange = { relative: "last_30_days" };
