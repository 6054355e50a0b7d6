// Ranges that do not start or end on the hour (the comparable part of a previous period cut at
// 14:37, the last 24 hours, instants a caller gives): the hourly rollups answer the whole hours
// inside, and raw events the partial hours at either end, whatever their arrival. So a range cut
// anywhere is still answered from rollups, exactly, with at most two hours of events read raw.
import { type QueryScope, scopeCondition } from "./scope";
import { join, type Sql, sql } from "./sql";

const HOUR_MS = 3_600_000;

/** The whole UTC hours of the scope (hours are whole in the zones rollups serve): [from rounded up, to rounded down). */
export function rolledHours(scope: Pick<QueryScope, "from" | "to">): { from: Date; to: Date } {
  const from = Math.ceil(scope.from.getTime() / HOUR_MS) * HOUR_MS;
  const to = Math.max(from, Math.floor(scope.to.getTime() / HOUR_MS) * HOUR_MS);
  return { from: new Date(from), to: new Date(to) };
}

/**
 * Conditions on the scope's events (alias `e`) that together select exactly what rollups up to the
 * watermark do not hold: the partial hours at either end, and what arrived after the watermark within
 * the whole hours. Disjoint, so callers UNION ALL one scan per condition; each reads through an index
 * (timestamp, or the received_at BRIN), where one OR of them could not.
 */
export function unrolledEventConditions(scope: Pick<QueryScope, "from" | "to">, watermark: string): Sql[] {
  const hours = rolledHours(scope);
  return [
    ...(hours.from > scope.from ? [sql`e.timestamp < ${hours.from}::timestamptz`] : []),
    ...(hours.to < scope.to ? [sql`e.timestamp >= ${hours.to}::timestamptz`] : []),
    sql`e.received_at > ${watermark}::timestamptz AND e.timestamp >= ${hours.from}::timestamptz AND e.timestamp < ${hours.to}::timestamptz`,
  ];
}

/** `SELECT columns` from the scope's events that rollups do not hold (see above), with `where` besides. */
export function unrolledEventsSql(scope: QueryScope, watermark: string, columns: Sql, where: Sql = sql`TRUE`): Sql {
  return join(
    unrolledEventConditions(scope, watermark).map(
      (condition) => sql`SELECT ${columns} FROM events e WHERE ${scopeCondition(scope)} AND ${where} AND ${condition}`,
    ),
    " UNION ALL ",
  );
}
