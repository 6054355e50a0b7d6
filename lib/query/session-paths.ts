// Paths from the step table the session refresh keeps (session-paths-refresh.ts): each session's
// collapsed steps, so a paths query reads one short array per session instead of sorting the
// range's events by session and time. Exactly the raw answer (kinds/paths.ts over sessions.ts):
// - sessions whose steps all lie in the range, none arrived after the watermark and no step matching
//   the anchor shares an instant with another step: their kept positions are a slice of their stored
//   steps, from the first matching the anchor; sessions with the same slice are grouped before they
//   are expanded into positions;
// - the sessions the range cuts (a step before its start or at or after its end), those where a step
//   matching the anchor shares an instant with another (whose order the anchor decides) and those touched by events that arrived after the
//   watermark: their stored step events in the range, with those arrivals (read raw), go through the
//   raw definition (path-steps.ts's keptStepsSql);
// - events without a session id are sessionised raw (few: the partial index finds them).
// Unfiltered queries whose anchor is a step (a page, or an event that is always a step) only: a
// filter changes which of a session's events exist.
import "server-only";
import type pg from "pg";
import { anchorOf, isStepEvent, keptStepsSql, pageLikePattern, stepLabelSql } from "./path-steps";
import type { PathsQuery } from "./schemas";
import { type QueryScope, scopeCondition, tenantCondition } from "./scope";
import { idlessSessionEventsSql } from "./sessions";
import { type Sql, sql } from "./sql";

export interface SessionPathsPlan {
  /** The session watermark, as exact text: the step table holds the events received up to it. */
  watermark: string;
  /** The most hours any session of the project spans: how far back the sessions a range cuts begin. */
  longestHours: number;
}

/** Whether the step table can answer the query (unfiltered, anchored on a step), and on what watermark. */
export async function sessionPathsPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: PathsQuery,
): Promise<SessionPathsPlan | null> {
  const { anchor } = anchorOf(query);
  if (scope.filters.length > 0 || scope.event !== undefined || scope.completing !== undefined) return null;
  if ("event" in anchor && !isStepEvent(anchor.event)) return null;
  const { rows } = await db.query<{ watermark: string | null; longest_hours: number }>(
    sql`SELECT (SELECT watermark::text FROM session_state WHERE id = 1 AND isfinite(watermark)) AS watermark,
        COALESCE((SELECT longest_hours FROM session_spans WHERE project_id = ${scope.projectId}::uuid), 0) AS longest_hours`.toQuery(),
  );
  const row = rows[0];
  return row?.watermark ? { watermark: row.watermark, longestHours: row.longest_hours } : null;
}

/** The step label of an exact anchor (an event, or a page without `*`). */
function anchorLabel(query: PathsQuery): string {
  const { anchor } = anchorOf(query);
  return "event" in anchor ? `e:${anchor.event}` : `p:${anchor.page}`;
}

/** The index (1-based) of a session's first stored step matching the anchor, or NULL (alias p). */
function anchorIndexSql(query: PathsQuery): Sql {
  const { anchor } = anchorOf(query);
  if ("page" in anchor && anchor.page.includes("*"))
    return sql`(SELECT min(j) FROM generate_subscripts(p.steps, 1) AS j WHERE p.steps[j] LIKE ${pageLikePattern(anchor.page)})`;
  return sql`array_position(p.steps, ${anchorLabel(query)}::text)`;
}

/**
 * Whether a tied session's order is the anchor's to decide (alias p): one of its steps that share an
 * instant with another step matches the anchor. Elsewhere the stored order (time, then label) is the
 * raw one: the raw order puts the anchor first (after a start) or last (before an end) only at the
 * instant of the anchor's first match.
 */
function anchorTiedSql(query: PathsQuery): Sql {
  const { anchor } = anchorOf(query);
  const matches =
    "page" in anchor && anchor.page.includes("*")
      ? sql`EXISTS (SELECT 1 FROM unnest(p.tied_labels) AS l WHERE l LIKE ${pageLikePattern(anchor.page)})`
      : sql`${anchorLabel(query)}::text = ANY(p.tied_labels)`;
  // A tied row without its labels (folded by a server older than the column) is read step by step.
  return sql`p.tied AND COALESCE(p.tied_labels IS NULL OR ${matches}, true)`;
}

const DAY_MS = 86_400_000;

/**
 * The whole UTC days of the range whose sessions session_path_counts answers (an exact anchor: a
 * pattern's first match is not one value's), or null when none.
 */
function countedDays(scope: QueryScope, query: PathsQuery): { first: Date; end: Date } | null {
  const { anchor } = anchorOf(query);
  if ("page" in anchor && anchor.page.includes("*")) return null;
  const first = new Date(Math.ceil(scope.from.getTime() / DAY_MS) * DAY_MS);
  const end = new Date(Math.floor(scope.to.getTime() / DAY_MS) * DAY_MS);
  return first < end ? { first, end } : null;
}

/** Rows (label, pos, goes_on, link_to, n) of the kept positions, as keptStepsSql's over the range's raw events. */
export function stepTableKeptSql(plan: SessionPathsPlan, scope: QueryScope, query: PathsQuery): Sql {
  const { anchor, fromStart, low, high } = anchorOf(query);
  const from = sql`${scope.from}::timestamptz`;
  const to = sql`${scope.to}::timestamptz`;
  // A session's steps span less than its hours plus one: one that reaches past an instant began after this.
  const reach = (instant: Sql) => sql`${instant} - (${plan.longestHours}::int + 1) * interval '1 hour'`;
  const steps = high - low;
  // The slice of the steps kept (at most steps + 1 from the anchor), and whether the path goes on past it.
  const slice = fromStart
    ? sql`a.steps[a.at : a.at + ${steps}::int]`
    : sql`a.steps[greatest(1, a.at - ${steps}::int) : a.at]`;
  const more = fromStart ? sql`cardinality(a.steps) > a.at + ${steps}::int` : sql`a.at - ${steps}::int > 1`;
  const pos = fromStart ? sql`i - 1` : sql`i - cardinality(g.slice)`;
  const goesOn = fromStart ? sql`(i < cardinality(g.slice) OR g.more)` : sql`(i > 1 OR g.more)`;
  // Equal slices of stored sessions' steps, counted (times `sign`), among those whose first step is in
  // [low, high) and `condition` holds (the anchor-tied ones are read with the special sessions).
  const slices = (lowAt: Sql, highAt: Sql, condition: Sql, sign: number) => sql`
        SELECT ${slice} AS slice, ${more} AS more, ${sign}::int * count(*) AS n
        FROM (
          SELECT p.steps, ${anchorIndexSql(query)} AS at
          FROM session_paths p
          WHERE ${tenantCondition(scope, "p")} AND p.first_at >= ${lowAt} AND p.first_at < ${highAt}
            AND NOT (${anchorTiedSql(query)}) AND ${condition}
        ) a
        WHERE a.at IS NOT NULL
        GROUP BY 1, 2`;
  const whole = sql`p.last_at < ${to}`;
  const touched = sql`p.last_at < ${to} AND p.session_id IN (SELECT session_id FROM tail)`;
  // The sessions whose steps all lie in the range, counted: the whole UTC days' from the counts
  // (which hold every session of those days, so the ones the range's end cuts are taken out again,
  // as sliced), the days at either end sliced session by session. Those touched by arrivals are
  // counted, then taken out again (read with the special sessions), so the scans of whole sessions
  // refer to no CTE and may run in parallel workers.
  const days = countedDays(scope, query);
  const counted = days
    ? sql`${slices(from, sql`${days.first}::timestamptz`, whole, 1)}
        UNION ALL
        ${slices(sql`${days.end}::timestamptz`, to, whole, 1)}
        UNION ALL
        ${slices(sql`greatest(${days.first}::timestamptz, ${reach(to)})`, sql`${days.end}::timestamptz`, sql`p.last_at >= ${to}`, -1)}`
    : slices(from, to, whole, 1);
  const countRows = days
    ? sql`
    UNION ALL
    SELECT c.label, c.pos, c.goes_on, CASE WHEN c.pos < ${high} AND c.link <> '' THEN c.link END, c.sessions
    FROM session_path_counts c
    WHERE ${tenantCondition(scope, "c")} AND c.anchor = ${anchorLabel(query)} AND c.mode = ${fromStart ? "s" : "e"}
      AND c.day >= ${days.first.toISOString().slice(0, 10)}::date AND c.day < ${days.end.toISOString().slice(0, 10)}::date
      AND c.pos BETWEEN ${low} AND ${high}`
    : sql``;
  return sql`
    WITH tail AS MATERIALIZED (
      SELECT e.session_id, e.timestamp AS ts, e.name, ${stepLabelSql(null)} AS dim
      FROM events e
      WHERE ${scopeCondition(scope)} AND e.session_id IS NOT NULL AND e.received_at > ${plan.watermark}::timestamptz
    ),
    special AS MATERIALIZED (
      SELECT DISTINCT session_id FROM (
        SELECT session_id FROM tail
        UNION ALL
        SELECT p.session_id FROM session_paths p
        WHERE ${tenantCondition(scope, "p")} AND p.first_at > ${reach(from)} AND p.first_at < ${from} AND p.last_at >= ${from}
        UNION ALL
        SELECT p.session_id FROM session_paths p
        WHERE ${tenantCondition(scope, "p")} AND p.first_at > ${reach(to)} AND p.first_at < ${to} AND p.last_at >= ${to}
        UNION ALL
        SELECT p.session_id FROM session_paths p
        WHERE ${tenantCondition(scope, "p")} AND p.tied AND p.first_at >= ${from} AND p.first_at < ${to} AND ${anchorTiedSql(query)}
      ) s
    ),
    special_events AS MATERIALIZED (
      SELECT 's:' || x.session_id AS session_key, u.ts,
             CASE WHEN u.label LIKE 'p:%' THEN 'pageview' ELSE substr(u.label, 3) END AS name, u.label AS dim
      FROM special s
      JOIN session_path_events x ON ${tenantCondition(scope, "x")} AND x.session_id = s.session_id
      CROSS JOIN LATERAL unnest(x.times, x.labels) AS u(ts, label)
      WHERE u.ts >= ${from} AND u.ts < ${to}
      UNION ALL
      SELECT 's:' || session_id, ts, name, dim FROM tail
      UNION ALL
      SELECT session_key, ts, name, dim FROM (${idlessSessionEventsSql(scope, stepLabelSql("event" in anchor ? anchor.event : null))}) i
    )
    SELECT label, pos, goes_on, link_to, n FROM (${keptStepsSql(sql`SELECT session_key, ts, name, dim FROM special_events`, query)}) r
    UNION ALL
    SELECT g.slice[i], ${pos}, ${goesOn}, CASE WHEN ${pos} < ${high} THEN g.slice[i + 1] END, g.n
    FROM (
      SELECT slice, more, sum(n) AS n FROM (
        ${counted}
        UNION ALL
        ${slices(from, to, touched, -1)}
      ) s
      GROUP BY 1, 2
    ) g
    CROSS JOIN LATERAL generate_subscripts(g.slice, 1) AS i${countRows}`;
}
