// The range's new visitors as a set of actor numbers, for the filtered visitors
// (filtered-visitors.ts): a drill-down's visitors ANDed with it are its new visitors ("visitor_type
// = new"), ANDed with its complement its returning ones. The set is the OR of first_seen_bitmaps over
// the range's whole UTC hours, with the stored first seen of its partial hours at either end and the
// moves the arrivals after first seen's watermark make (first-seen.ts) applied by number. Only
// numbered actors are in it: an actor without a number is in no stored bitmap, and the events read
// raw (partial days, arrivals) check an actor without one by its moves instead (newcomerActorSql).
import "server-only";
import { actorInSetSql, bitmapsFromNumbersSql, CHUNK_BITS } from "./actor-bitmaps";
import { rolledHours } from "./edge-hours";
import { inRangeSql, movedFirstSeenSql, partialHoursConditions } from "./first-seen";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";

const NO_BITS = trusted(`repeat('0', ${CHUNK_BITS})::varbit`);

/**
 * CTEs ending in `newcomers` (chunk, bits): the numbered actors first seen in the scope's range as
 * its snapshot has it. The stored set (whole hours, partial hours) loses the actors an arrival moved
 * before the range and gains those it moved into it; one probe of project_actors per actor changed.
 */
export function newcomersCtes(scope: QueryScope): Sql {
  if (scope.firstSeenWatermark === undefined) throw new Error("the newcomers need first seen's watermark");
  const hours = rolledHours(scope);
  const partial = partialHoursConditions(scope).map(
    (condition) =>
      sql`UNION ALL SELECT 'stored', t.actor FROM actor_first_seen t WHERE ${tenantCondition(scope, "t")} AND ${condition}`,
  );
  const aggregate = (k: string) => sql`COALESCE(bit_or(u.bits) FILTER (WHERE u.k = ${k}), ${NO_BITS})`;
  return sql`
    newcomer_moves AS MATERIALIZED (${movedFirstSeenSql(scope)}),
    newcomer_changes AS (
      SELECT c.k, n.number FROM (
        SELECT 'add' AS k, m.actor FROM newcomer_moves m WHERE ${inRangeSql(scope, sql`m.moved_to`)}
        UNION ALL
        SELECT 'remove', m.actor FROM newcomer_moves m WHERE ${inRangeSql(scope, sql`m.moved_from`)} AND m.moved_to < ${scope.from}::timestamptz
        ${join(partial, " ")}
      ) c
      CROSS JOIN LATERAL (SELECT p.number FROM project_actors p WHERE ${tenantCondition(scope, "p")} AND p.actor = c.actor) n
    ),
    newcomers AS (
      SELECT u.chunk, (${aggregate("stored")} & ~${aggregate("remove")}) | ${aggregate("add")} AS bits
      FROM (
        SELECT 'stored' AS k, b.chunk, b.bits FROM first_seen_bitmaps b
        WHERE ${tenantCondition(scope, "b")} AND b.hour >= ${hours.from}::timestamptz AND b.hour < ${hours.to}::timestamptz
        UNION ALL
        SELECT x.k, x.chunk, x.bits FROM (${trusted(bitmapsFromNumbersSql("newcomer_changes", ["k"]))}) x
      ) u
      GROUP BY u.chunk
    )`;
}

/**
 * SQL true when the actor whose hash is `actor` was first seen in the range (given newcomersCtes): by
 * number in the set, or, for an actor without one, by the arrivals that moved its first seen. What
 * the events read raw by the filtered visitors check instead of the visitor filter itself, which
 * would hash every actor first seen in the range.
 */
export function newcomerActorSql(scope: QueryScope, actor: Sql): Sql {
  return sql`(${actor} IN (SELECT m.actor FROM newcomer_moves m WHERE ${inRangeSql(scope, sql`m.moved_to`)}) OR ${actorInSetSql(scope, "newcomers", actor)})`;
}
