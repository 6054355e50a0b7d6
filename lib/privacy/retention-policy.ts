// Where retention cuts: a policy of N months keeps everything from the start of the UTC month that
// holds (now - N months). Cutting at month starts keeps whole monthly partitions of events together
// (lib/privacy/retention.ts drops them whole where it can), and always keeps at least N months.
// Pure: shared by the retention job, the settings and the query clamp.

/** The first instant kept under a policy of `months` at `now`: a UTC month start. */
export function retentionHorizon(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}

export interface RetentionMonths {
  rawRetentionMonths: number;
  aggregateRetentionMonths: number;
}

export interface RetentionHorizons {
  /** Raw events before this are deleted. */
  raw: Date;
  /** Aggregates (rollups, daily bitmaps, session rollups) of hours before this are deleted. */
  aggregates: Date;
}

export function retentionHorizons(policy: RetentionMonths, now: Date): RetentionHorizons {
  return {
    raw: retentionHorizon(now, policy.rawRetentionMonths),
    aggregates: retentionHorizon(now, policy.aggregateRetentionMonths),
  };
}
