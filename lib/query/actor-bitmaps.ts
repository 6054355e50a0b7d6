// Actor bitmaps: every actor of a project has a dense number (project_actors, in order of first
// appearance), and a set of actors is a bitmap over those numbers, cut into fixed-size chunks so
// that bitmaps of different days line up bit for bit and PostgreSQL's bit_or / & / bit_count apply.
// New actors arrive together, so a day's newcomers (a retention cohort) sit in a few chunks.
import { type QueryScope, tenantCondition } from "./scope";
import { type Sql, sql, trusted } from "./sql";

/** Bits per chunk: an actor's chunk is number >> CHUNK_SHIFT, its bit number & (CHUNK_BITS - 1). */
export const CHUNK_SHIFT = 15;
export const CHUNK_BITS = 1 << CHUNK_SHIFT;

/**
 * SQL selecting (keys..., chunk, bits) from a relation with the columns keys... and `number`: one
 * bitmap per key group and chunk. Each set bit becomes a run of '0's closing in '1' (its gap from the
 * previous bit), the runs are concatenated in order and padded to the chunk size, and that text is
 * read as a bit string: linear in the chunk's size, no per-bit function calls.
 */
export function bitmapsFromNumbersSql(relation: string, keys: readonly string[]): string {
  const keyList = keys.join(", ");
  const within = `number & ${CHUNK_BITS - 1}`;
  return `
    SELECT ${keyList}, chunk, rpad(string_agg(lpad('1', gap::int, '0'), '' ORDER BY bit), ${CHUNK_BITS}, '0')::varbit AS bits
    FROM (
      SELECT ${keyList}, number >> ${CHUNK_SHIFT} AS chunk, ${within} AS bit,
             (${within}) - lag(${within}, 1, -1) OVER (PARTITION BY ${keyList}, number >> ${CHUNK_SHIFT} ORDER BY number) AS gap
      FROM (SELECT DISTINCT ${keyList}, number FROM ${relation}) distinct_numbers
    ) gaps
    GROUP BY ${keyList}, chunk`;
}

/**
 * SQL selecting (keys..., number) for a relation of (keys..., a) actor hashes that no stored bitmap
 * covers yet (partial days, arrivals after the watermark): a known actor keeps its number, an actor
 * not numbered yet gets one after the project's last, so it lands in no stored bitmap's bits.
 */
export function numberedActorsSql(
  scope: Pick<QueryScope, "organizationId" | "projectId">,
  relation: string,
  keys: readonly string[],
): Sql {
  const keyList = trusted(keys.map((k) => `x.${k}`).join(", "));
  return sql`
    SELECT ${keyList}, COALESCE(p.number, t.top + dense_rank() OVER (PARTITION BY p.number IS NULL ORDER BY x.a)) AS number
    FROM ${trusted(relation)} x
    LEFT JOIN project_actors p ON ${tenantCondition(scope, "p")} AND p.actor = x.a
    CROSS JOIN (SELECT COALESCE(max(q.number), -1) AS top FROM project_actors q WHERE ${tenantCondition(scope, "q")}) t
    WHERE x.a IS NOT NULL`;
}
