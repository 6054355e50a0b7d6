// What a step of a path is, written once for the paths kind (lib/query/kinds/paths.ts) and the step
// table the session refresh keeps (lib/query/session-paths-refresh.ts): a pageview by page
// ("p:/pricing"), any other event by name ("e:signup"); the tracker's passive events and the
// monitoring modules' events are not steps (not something the visitor did), unless named as the anchor.
import { ERRORS_EVENT, VITALS_EVENT } from "./monitoring-events";
import { PASSIVE_EVENTS } from "./passive-events";
import type { PathAnchor, PathsQuery } from "./schemas";
import { type Sql, sql, trusted } from "./sql";
import { likePatternOf } from "./wildcard";

/** Events that are never a step (unless they are the anchor). */
export const NOT_STEPS = [...PASSIVE_EVENTS.filter((name) => name !== "pageview"), VITALS_EVENT, ERRORS_EVENT];

/** Whether an anchor event is labelled as every step is, so the step table (which has no anchor) holds it. */
export const isStepEvent = (name: string) => name !== "pageview" && !NOT_STEPS.includes(name);

/** Each event's (alias e) step label, or NULL when it is not a step; `anchorEvent` is a step whatever its name. */
export function stepLabelSql(anchorEvent: string | null): Sql {
  return sql`CASE WHEN e.name = 'pageview' THEN 'p:' || COALESCE(e.path, '')
    WHEN e.name = ${anchorEvent}::text OR e.name <> ALL(${NOT_STEPS}::text[]) THEN 'e:' || e.name END`;
}

/** A `*` pattern (lib/query/wildcard.ts) as a LIKE pattern over page labels. */
export function pageLikePattern(page: string): string {
  return `p:${likePatternOf(page)}`;
}

/** Whether a keyed row (alias k: name, dim = its label) is the anchor. */
export function anchorSql(anchor: PathAnchor): Sql {
  if ("event" in anchor) return sql`k.name = ${anchor.event}`;
  if (!anchor.page.includes("*")) return sql`k.dim = ${`p:${anchor.page}`}`;
  return sql`k.dim LIKE ${pageLikePattern(anchor.page)}`;
}

/** The query's anchor and the positions it keeps: 0..steps after a start, -steps..0 before an end. */
export function anchorOf(query: PathsQuery): { anchor: PathAnchor; fromStart: boolean; low: number; high: number } {
  const fromStart = query.start !== undefined;
  return {
    anchor: (query.start ?? query.end)!,
    fromStart,
    low: fromStart ? 0 : -query.steps,
    high: fromStart ? query.steps : 0,
  };
}

/**
 * Rows (label, pos, goes_on, link_to, n = 1) of each session's kept positions, from rows (session_key,
 * ts, name, dim = the step label or NULL) of its events: the sessions that reach the anchor, from
 * their first step matching it, repeats collapsed. The definition of a path, on any rows of events.
 */
export function keptStepsSql(keyed: Sql, query: PathsQuery): Sql {
  const { anchor, fromStart, low, high } = anchorOf(query);
  const isAnchor = anchorSql(anchor);
  // Session keys compare byte-wise (they are identifiers, not words); at equal times the anchor
  // comes first after a start and last before an end, so a tie never puts a step on its wrong side.
  const order = trusted(
    `PARTITION BY session_key COLLATE "C" ORDER BY ts, anchor ${fromStart ? "DESC" : "ASC"}, label COLLATE "C"`,
  );
  return sql`
    WITH anchors AS (
      SELECT k.session_key, min(k.ts) AS at
      FROM (${keyed}) k
      WHERE ${isAnchor}
      GROUP BY k.session_key
    ),
    sliced AS (
      SELECT k.session_key, k.ts, k.dim AS label, (k.ts = a.at AND ${isAnchor}) AS anchor
      FROM (${keyed}) k JOIN anchors a ON a.session_key = k.session_key
      WHERE k.dim IS NOT NULL AND k.ts ${trusted(fromStart ? ">=" : "<=")} a.at
    ),
    collapsed AS (
      SELECT session_key, ts, label, anchor
      FROM (SELECT *, label IS DISTINCT FROM lag(label) OVER (${order}) AS fresh FROM sliced) marked
      WHERE fresh
    ),
    placed AS (
      SELECT label,
        ${fromStart ? sql`row_number() OVER w - 1` : sql`row_number() OVER w - count(*) OVER (PARTITION BY session_key COLLATE "C")`} AS pos,
        lead(label) OVER w AS next_label,
        ${trusted(fromStart ? "lead" : "lag")}(label) OVER w IS NOT NULL AS goes_on
      FROM collapsed
      WINDOW w AS (${order})
    )
    SELECT label, pos, goes_on, CASE WHEN pos < ${high} THEN next_label END AS link_to, 1::bigint AS n
    FROM placed
    WHERE pos BETWEEN ${low} AND ${high}`;
}
