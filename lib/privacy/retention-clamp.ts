// What a report shows for a range reaching back past what retention keeps (the rule the README's
// privacy section states): a report never shows a partial answer as if it were whole.
// - A query answered from aggregates alone (count and unique-user trends, metrics and breakdowns on
//   rolled dimensions; retention from the daily bitmaps) keeps its range back to the aggregate horizon.
// - Any other query (raw events: funnels, property filters, session measures, whose id-less
//   sessions are read raw) keeps its range back to the raw horizon.
// - The start is moved to the first local midnight at or after that horizon (so days stay whole),
//   the answer says so in meta.retention, and a metric whose previous period would reach past it
//   is answered without the comparison. A range wholly past it is empty.
import "server-only";
import type pg from "pg";
import { type RetentionMonths, retentionHorizons } from "./retention-policy";

export interface RetentionNotice {
  /** The range's start as asked. */
  requested_from: string;
  /** Where the answer starts. */
  from: string;
  /** What the answer was read from, and so which retention applied. */
  source: "raw_events" | "aggregates";
  /** A metric's previous period reached past the horizon: answered without the comparison. */
  comparison_dropped?: boolean;
}

export interface ClampedRange {
  from: Date;
  to: Date;
  notice: RetentionNotice | null;
}

/** Clamps [from, to) to what the source keeps; `previousFrom` is a metric's previous period's start, if compared. */
export async function clampToRetention(
  db: Pick<pg.Pool, "query">,
  policy: RetentionMonths,
  range: { from: Date; to: Date },
  options: { timezone: string; now: Date; fromAggregates: boolean; previousFrom?: Date },
): Promise<ClampedRange> {
  const horizons = retentionHorizons(policy, options.now);
  const horizon = options.fromAggregates ? horizons.aggregates : horizons.raw;
  const reachesBack = range.from < horizon || (options.previousFrom !== undefined && options.previousFrom < horizon);
  if (!reachesBack) return { ...range, notice: null };
  const { rows } = await db.query<{ kept: Date }>(
    `SELECT CASE WHEN date_trunc('day', $1::timestamptz, $2) = $1::timestamptz THEN $1::timestamptz
                 ELSE (($1::timestamptz AT TIME ZONE $2)::date + 1)::timestamp AT TIME ZONE $2 END AS kept`,
    [horizon, options.timezone],
  );
  const kept = rows[0]!.kept;
  const from = range.from < kept ? new Date(Math.min(kept.getTime(), range.to.getTime())) : range.from;
  return {
    from,
    to: range.to,
    notice: {
      requested_from: range.from.toISOString(),
      from: from.toISOString(),
      source: options.fromAggregates ? "aggregates" : "raw_events",
      ...(options.previousFrom !== undefined ? { comparison_dropped: true } : {}),
    },
  };
}
