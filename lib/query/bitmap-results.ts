// The last step of every answer read from actor bitmaps: rows (b, v, chunk, bits) of bitmaps per
// bucket and dimension value become unique-user counts, the bit count of each group's OR.
import { topGroup } from "./measure";
import { type Sql, sql, trusted } from "./sql";

/** Rows (bucket, dim, is_other, value), values outside `top` folded into one "other" group when given. */
export function bitmapGroupsSql(ctes: Sql, rows: Sql, top?: (string | null)[]): Sql {
  let dimSelect: Sql = sql`u.v`;
  let isOther: Sql = sql`false`;
  if (top) {
    const { inTop } = topGroup(sql`u.v`, top);
    dimSelect = sql`CASE WHEN ${inTop} THEN u.v END`;
    isOther = sql`NOT ${inTop}`;
  }
  return sql`
    WITH ${ctes},
    unions AS (
      SELECT u.b, ${dimSelect} AS dim, ${isOther} AS is_other, bit_or(u.bits) AS bits
      FROM ${rows} u
      GROUP BY 1, 2, 3, u.chunk
    )
    SELECT b AS bucket, dim, is_other, sum(bit_count(bits))::float8 AS value
    FROM unions
    GROUP BY 1, 2, 3
    HAVING sum(bit_count(bits)) > 0`;
}

/**
 * Rows (dim, value, is_other): the `limit` values with the most (or least) unique users, ordered as
 * topValuesSql orders them, then the users of all the other values together, in one statement: the
 * per-value unions are computed once for both.
 */
export function bitmapTopAndOtherSql(ctes: Sql, rows: Sql, limit: number, order: "desc" | "asc"): Sql {
  return sql`
    WITH ${ctes},
    per_value AS (SELECT u.v AS dim, u.chunk, bit_or(u.bits) AS bits FROM ${rows} u GROUP BY 1, 2),
    counted AS (
      SELECT dim, sum(bit_count(bits))::float8 AS value FROM per_value GROUP BY dim HAVING sum(bit_count(bits)) > 0
    ),
    ranked AS (
      SELECT dim, value, row_number() OVER (ORDER BY value ${trusted(order === "asc" ? "ASC" : "DESC")}, dim ASC NULLS LAST) AS rank
      FROM counted
    ),
    rest AS (
      SELECT p.chunk, bit_or(p.bits) AS bits
      FROM per_value p JOIN ranked r ON r.dim IS NOT DISTINCT FROM p.dim
      WHERE r.rank > ${limit}
      GROUP BY p.chunk
    )
    SELECT dim, value, is_other FROM (
      SELECT dim, value, false AS is_other, rank FROM ranked WHERE rank <= ${limit}
      UNION ALL
      SELECT NULL, sum(bit_count(bits))::float8, true, NULL FROM rest HAVING count(*) > 0
    ) t
    ORDER BY is_other, rank`;
}
