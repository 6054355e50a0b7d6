// Calendar arithmetic in a time zone, written for PostgreSQL 15 and later. PostgreSQL 16 added
// date_add(timestamptz, interval, zone) and a zone argument to generate_series; 15 has neither, so
// days, weeks, months and years are added to the local wall-clock time and converted back (the same
// conversion those functions use), and hours, being absolute, are added to the instant.
import { type Sql, sql } from "./sql";

/** `t` plus `interval` (days, weeks, months or years) in the zone's calendar, DST included. */
export function addInZone(t: Sql, interval: Sql, tz: string): Sql {
  return sql`(((${t}) AT TIME ZONE ${tz}) + ${interval}) AT TIME ZONE ${tz}`;
}

/** The series of bucket starts from `first` (a bucket start) to `last`, one `unit` apart in the zone. */
export function seriesInZone(first: Sql, last: Sql, unit: "hour" | "day" | "week" | "month" | "year", tz: string): Sql {
  const step = `1 ${unit}`;
  if (unit === "hour") return sql`generate_series(${first}, ${last}, ${step}::interval)`;
  return sql`(SELECT local AT TIME ZONE ${tz} FROM generate_series((${first}) AT TIME ZONE ${tz}, (${last}) AT TIME ZONE ${tz}, ${step}::interval) local)`;
}
