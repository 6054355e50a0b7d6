// Actor bitmaps: every actor of a project has a dense number (project_actors, in order of first
// appearance), and a set of actors is a bitmap over those numbers, cut into fixed-size chunks so
// that bitmaps of different days line up bit for bit and PostgreSQL's bit_or / & / bit_count apply.
// New actors arrive together, so a day's newcomers (a retention cohort) sit in a few chunks.
import { type QueryScope, tenantCondition } from "./scope";
import { type Sql, sql, trusted } from "./sql";

/** Bits per chunk: an actor's chunk is number >> CHUNK_SHIFT, its bit number & (CHUNK_BITS - 1). */
export const CHUNK_SHIFT = 15;
export const CHUNK_BITS = 1 << CHUNK_SHIFT;

/** A chunk is built from 64-bit words: its bit n is bit 63 - n % 64 of word n / 64. */
const CHUNK_WORDS = CHUNK_BITS / 64;

/**
 * Chunks with at most this many non-zero words are the OR of their words placed one at a time (a
 * cost per word: a chunk-sized copy); denser ones are read from hexadecimal text (a cost per chunk:
 * 8,192 digits). Measured on chunks of 20 and of 40 words: about as fast either way.
 */
const SPARSE_CHUNK_WORDS = 16;

/**
 * SQL selecting (keys..., chunk, bits) from a relation with the columns keys... and `number`
 * (repeats allowed): one bitmap per key group and chunk. Everything is grouped by hashing, each
 * chunk's few words ordered on their own: sorting all rows by keys, chunk and number compared the
 * keys they share on nearly every comparison (a day's dimension values, 443k rows: 14 s sorted,
 * 2.6 s hashed). A dense chunk is its words in hexadecimal, each gap of zero words written as zeros,
 * read as one bit string: 2.3x faster than a character per bit (5,000-bit chunks).
 */
export function bitmapsFromNumbersSql(relation: string, keys: readonly string[]): string {
  const keyList = keys.join(", ");
  const words = "unnest(words, ws) AS u(word, w)";
  return `
    SELECT ${keyList}, chunk,
           CASE WHEN cardinality(words) <= ${SPARSE_CHUNK_WORDS}
                THEN (SELECT bit_or(overlay(repeat('0', ${CHUNK_BITS})::varbit PLACING w::bit(64) FROM word * 64 + 1)) FROM ${words})
                ELSE (SELECT ('x' || string_agg(repeat('0', 16 * (word - previous - 1)) || lpad(to_hex(w), 16, '0'), '' ORDER BY word)
                              || repeat('0', 16 * (${CHUNK_WORDS - 1} - max(word))))::varbit
                      FROM (SELECT word, w, lag(word, 1, -1) OVER (ORDER BY word) AS previous FROM ${words}) s)
           END AS bits
    FROM (
      SELECT ${keyList}, chunk, array_agg(word) AS words, array_agg(w) AS ws
      FROM (
        SELECT ${keyList}, number >> ${CHUNK_SHIFT} AS chunk, ((number & ${CHUNK_BITS - 1}) >> 6)::int AS word,
               bit_or(1::bigint << (63 - (number & 63))::int) AS w
        FROM ${relation}
        GROUP BY ${keyList}, number >> ${CHUNK_SHIFT}, (number & ${CHUNK_BITS - 1}) >> 6
      ) by_word
      GROUP BY ${keyList}, chunk
    ) by_chunk`;
}

/**
 * SQL selecting (keys..., number) for a relation of (keys..., a) actor hashes that no stored bitmap
 * covers yet (partial days, arrivals after the watermark): a known actor keeps its number, an actor
 * not numbered yet gets one after the project's last, so it lands in no stored bitmap's bits.
 * Each distinct actor (and each `shared` brings) is looked up by the index, one probe each: the
 * relation is a few partial days at most, but the planner cannot see how few (its ranges are
 * computed in the statement) and once hashed all of project_actors instead (1.9M actors: 0.8 s for
 * 15k lookups of 6 µs each).
 * In the index's order, each probe finds its pages where the one before left them (13.8k probes
 * of the unfiltered overview's previous period: 80 → 54 ms).
 * Two sets numbered apart and then compared (retention's starters and returners) pass `shared`, a
 * relation (a) holding every actor either may hold without a number: the arrivals after the
 * watermark, where alone such actors are. Ranked among those, an actor has one number in both.
 */
export function numberedActorsSql(
  scope: Pick<QueryScope, "organizationId" | "projectId">,
  relation: string,
  keys: readonly string[],
  shared?: Sql,
): Sql {
  const keyList = trusted(keys.map((k) => `x.${k}`).join(", "));
  const known = sql`known AS MATERIALIZED (
      SELECT d.a, (SELECT p.number FROM project_actors p WHERE ${tenantCondition(scope, "p")} AND p.actor = d.a) AS number
      FROM (SELECT DISTINCT a FROM ${trusted(relation)} WHERE a IS NOT NULL ORDER BY a) d
    )`;
  const top = sql`CROSS JOIN (SELECT COALESCE(max(q.number), -1) AS top FROM project_actors q WHERE ${tenantCondition(scope, "q")}) t`;
  // Parenthesised: it is also one branch of a UNION.
  if (!shared)
    return sql`(
    WITH ${known}
    SELECT ${keyList}, COALESCE(n.number, t.top + dense_rank() OVER (PARTITION BY n.number IS NULL ORDER BY x.a)) AS number
    FROM ${trusted(relation)} x
    JOIN known n ON n.a = x.a
    ${top})`;
  // Ranked among the shared actors (and the relation's own, should one not be among them), the
  // same in every statement part that ranks the same relation.
  return sql`(
    WITH ${known},
    fresh AS MATERIALIZED (
      SELECT u.a, dense_rank() OVER (ORDER BY u.a) AS r
      FROM (
        SELECT z.a FROM (${shared}) z
        WHERE (SELECT p.number FROM project_actors p WHERE ${tenantCondition(scope, "p")} AND p.actor = z.a) IS NULL
        UNION
        SELECT k.a FROM known k WHERE k.number IS NULL
      ) u
    )
    SELECT ${keyList}, COALESCE(n.number, t.top + f.r) AS number
    FROM ${trusted(relation)} x
    JOIN known n ON n.a = x.a
    LEFT JOIN fresh f ON f.a = x.a
    ${top})`;
}

/** SQL true when the actor numbered `number` is in `set`, a relation of (chunk, bits). */
export function numberInSetSql(set: string, number: Sql): Sql {
  return sql`EXISTS (SELECT 1 FROM ${trusted(set)} s WHERE s.chunk = ${number} >> ${CHUNK_SHIFT} AND get_bit(s.bits, ${number} & ${CHUNK_BITS - 1}) = 1)`;
}

/**
 * SQL selecting the distinct actors (a) of `relation` (rows with an actor hash a: events read raw)
 * that `keeps` holds true for, each checked once, in the actor index's order: checked per row, the
 * 43k events of a previous period's partial day cost as many probes of project_actors (0.3 s).
 */
export function keptActorsSql(relation: string, keeps: (actor: Sql) => Sql): Sql {
  return sql`SELECT d.a FROM (SELECT DISTINCT a FROM ${trusted(relation)} WHERE a IS NOT NULL ORDER BY a) d WHERE ${keeps(sql`d.a`)}`;
}

/**
 * SQL true when the actor whose hash is `actor` has a number, and it is in `set`: one probe of
 * project_actors per row, as a scalar subquery. Written as EXISTS, the planner made it a semi-join
 * that hashed every actor of the project (1.9M at 10M events: 0.4 s for the 10k events a previous
 * period cut at "now" reads raw).
 */
export function actorInSetSql(scope: Pick<QueryScope, "organizationId" | "projectId">, set: string, actor: Sql): Sql {
  return sql`COALESCE((SELECT ${numberInSetSql(set, sql`p.number`)} FROM project_actors p WHERE ${tenantCondition(scope, "p")} AND p.actor = ${actor}), false)`;
}
