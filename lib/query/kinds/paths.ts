// paths: the ways sessions go from a start (the steps after it) or to an end (the steps before it).
// - Sessions as defined once in lib/query/sessions.ts (session id, else the 30-minute rule), made of
//   the events in scope (range and filters), like every session measure.
// - Steps: pageviews by page ("p:/pricing") and other events by name ("e:signup"); the tracker's
//   passive events (session_start, page_leave, scroll) and the monitoring modules' web_vitals and
//   js_error are not steps (they are not something the visitor did), unless named as the anchor.
//   Consecutive repeats collapse into one step (/docs, /docs, /pricing is /docs -> /pricing).
// - A session counts once, from its first step matching the anchor: positions 0..N after a start,
//   -N..0 before an end. Each position keeps its `limit` most common values (by sessions, ties by
//   value) and groups the rest as "other"; links between neighbouring positions follow the groups.
// How it is computed, and why not from a per-session step table: ARCHITECTURE.md, "Paths".
import "server-only";
import type pg from "pg";
import { ERRORS_EVENT, VITALS_EVENT } from "../monitoring-events";
import { PASSIVE_EVENTS } from "../passive-events";
import type { PathNode, PathsResult } from "../results";
import type { PathAnchor, PathsQuery } from "../schemas";
import type { QueryScope } from "../scope";
import { sessionEventsSql } from "../sessions";
import { type Sql, sql, trusted } from "../sql";
import { likePatternOf } from "../wildcard";

type Db = Pick<pg.Pool, "query">;

/** Events that are never a step (unless they are the anchor). */
const NOT_STEPS = [...PASSIVE_EVENTS.filter((name) => name !== "pageview"), VITALS_EVENT, ERRORS_EVENT];

/** The label every grouped-away value shares ("other"); real labels start with "p:" or "e:". */
const OTHER = "o";

/** A `*` pattern (lib/query/wildcard.ts) as a LIKE pattern over page labels. */
export function pageLikePattern(page: string): string {
  return `p:${likePatternOf(page)}`;
}

/** Each event's step label, or NULL when it is not a step. */
function stepLabelSql(anchor: PathAnchor): Sql {
  const anchorEvent = "event" in anchor ? anchor.event : null;
  return sql`CASE WHEN e.name = 'pageview' THEN 'p:' || COALESCE(e.path, '')
    WHEN e.name = ${anchorEvent}::text OR e.name <> ALL(${NOT_STEPS}::text[]) THEN 'e:' || e.name END`;
}

/** Whether a keyed row (alias k: name, dim = its label) is the anchor. */
function anchorSql(anchor: PathAnchor): Sql {
  if ("event" in anchor) return sql`k.name = ${anchor.event}`;
  if (!anchor.page.includes("*")) return sql`k.dim = ${`p:${anchor.page}`}`;
  return sql`k.dim LIKE ${pageLikePattern(anchor.page)}`;
}

export function pathsSql(scope: QueryScope, query: PathsQuery): Sql {
  const fromStart = query.start !== undefined;
  const anchor = (query.start ?? query.end)!;
  const keyed = sessionEventsSql(scope, stepLabelSql(anchor));
  const isAnchor = anchorSql(anchor);
  // Session keys compare byte-wise (they are identifiers, not words); at equal times the anchor
  // comes first after a start and last before an end, so a tie never puts a step on its wrong side.
  const order = trusted(
    `PARTITION BY session_key COLLATE "C" ORDER BY ts, anchor ${fromStart ? "DESC" : "ASC"}, label COLLATE "C"`,
  );
  const [low, high] = fromStart ? [0, query.steps] : [-query.steps, 0];
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
    ),
    kept AS MATERIALIZED (
      SELECT label, pos, goes_on, CASE WHEN pos < ${high} THEN next_label END AS link_to
      FROM placed
      WHERE pos BETWEEN ${low} AND ${high}
    ),
    ranked AS (
      SELECT pos, label, row_number() OVER (PARTITION BY pos ORDER BY count(*) DESC, label COLLATE "C") AS rank
      FROM kept
      GROUP BY pos, label
    )
    SELECT k.pos,
      CASE WHEN r.rank <= ${query.limit} THEN k.label ELSE ${OTHER} END AS label,
      CASE WHEN k.link_to IS NULL THEN NULL WHEN t.rank <= ${query.limit} THEN k.link_to ELSE ${OTHER} END AS link_to,
      k.goes_on,
      count(*) AS sessions
    FROM kept k
    JOIN ranked r ON r.pos = k.pos AND r.label = k.label
    LEFT JOIN ranked t ON t.pos = k.pos + 1 AND t.label = k.link_to
    GROUP BY 1, 2, 3, 4`;
}

export interface PathRow {
  pos: number | string;
  label: string;
  link_to: string | null;
  goes_on: boolean;
  sessions: number | string;
}

function nodeOf(label: string): Pick<PathNode, "type" | "value"> {
  if (label === OTHER) return { type: "other", value: null };
  return { type: label.startsWith("p:") ? "page" : "event", value: label.slice(2) };
}

/** The grouped rows (position, value, next value, whether the path goes on) as steps, nodes and links. */
export function assemblePaths(query: PathsQuery, rows: readonly PathRow[]): PathsResult {
  const fromStart = query.start !== undefined;
  const anchor = (query.start ?? query.end)!;
  const positions = Array.from({ length: query.steps + 1 }, (_, i) => (fromStart ? i : i - query.steps));
  const tallies = positions.map(() => new Map<string, { count: number; dropOff: number }>());
  const linkCounts = new Map<string, number>();
  for (const row of rows) {
    const step = Number(row.pos) - positions[0]!;
    const sessions = Number(row.sessions);
    const tally = tallies[step]!.get(row.label) ?? { count: 0, dropOff: 0 };
    tally.count += sessions;
    if (!row.goes_on) tally.dropOff += sessions;
    tallies[step]!.set(row.label, tally);
    if (row.link_to !== null) {
      const key = JSON.stringify([step, row.label, row.link_to]);
      linkCounts.set(key, (linkCounts.get(key) ?? 0) + sessions);
    }
  }
  // The most common values first, ties by value, "other" last.
  const orders = tallies.map((tally) =>
    [...tally.entries()]
      .sort(
        ([a, x], [b, y]) =>
          Number(a === OTHER) - Number(b === OTHER) || y.count - x.count || (a < b ? -1 : a > b ? 1 : 0),
      )
      .map(([label]) => label),
  );
  const steps = positions.map((position, i) => {
    const nodes = orders[i]!.map((label) => {
      const { count, dropOff } = tallies[i]!.get(label)!;
      return { ...nodeOf(label), count, drop_off: dropOff };
    });
    return {
      position,
      count: nodes.reduce((sum, n) => sum + n.count, 0),
      drop_off: nodes.reduce((sum, n) => sum + n.drop_off, 0),
      nodes,
    };
  });
  const links = [...linkCounts.entries()]
    .map(([key, count]) => {
      const [step, from, to] = JSON.parse(key) as [number, string, string];
      return { step, from: orders[step]!.indexOf(from), to: orders[step + 1]!.indexOf(to), count };
    })
    .sort((a, b) => a.step - b.step || a.from - b.from || a.to - b.to);
  return {
    kind: "paths",
    mode: fromStart ? "start" : "end",
    anchor: "event" in anchor ? { type: "event", value: anchor.event } : { type: "page", value: anchor.page },
    steps,
    links,
  };
}

export async function runPaths(db: Db, scope: QueryScope, query: PathsQuery): Promise<PathsResult> {
  const { rows } = await db.query<PathRow>(pathsSql(scope, query).toQuery());
  return assemblePaths(query, rows);
}
