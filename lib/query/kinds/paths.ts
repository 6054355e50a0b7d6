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
// How it is computed: from the step table the session refresh keeps where it can answer
// (lib/query/session-paths.ts), else from the range's raw events; ARCHITECTURE.md, "Paths".
import "server-only";
import type pg from "pg";
import { keptStepsSql, stepLabelSql } from "../path-steps";
import type { PathNode, PathsResult } from "../results";
import type { PathsQuery } from "../schemas";
import type { QueryScope } from "../scope";
import { type SessionPathsPlan, sessionPathsPlanIfAnswerable, stepTableKeptSql } from "../session-paths";
import { sessionEventsSql } from "../sessions";
import { type Sql, sql } from "../sql";

type Db = Pick<pg.Pool, "query">;

/** The label every grouped-away value shares ("other"); real labels start with "p:" or "e:". */
const OTHER = "o";

/** The kept positions of the sessions of the range's raw events (lib/query/sessions.ts). */
function rawKeptSql(scope: QueryScope, query: PathsQuery): Sql {
  const anchor = (query.start ?? query.end)!;
  return keptStepsSql(sessionEventsSql(scope, stepLabelSql("event" in anchor ? anchor.event : null)), query);
}

/**
 * Rows (pos, label, link_to, goes_on, sessions) of the kept positions (`kept`: rows of label, pos,
 * goes_on, link_to and n sessions), each position's values past the top `limit` grouped as "other".
 * The kept rows are summed first (a few thousand distinct rows, however many sessions); a source
 * may count a session and take it out again, so rows that sum to nothing are no rows.
 */
export function pathsSql(query: PathsQuery, kept: Sql): Sql {
  return sql`
    WITH kept AS MATERIALIZED (
      SELECT label, pos, goes_on, link_to, sum(n) AS n FROM (${kept}) k GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0
    ),
    ranked AS (
      SELECT pos, label, row_number() OVER (PARTITION BY pos ORDER BY sum(n) DESC, label COLLATE "C") AS rank
      FROM kept
      GROUP BY pos, label
    )
    SELECT k.pos,
      CASE WHEN r.rank <= ${query.limit} THEN k.label ELSE ${OTHER} END AS label,
      CASE WHEN k.link_to IS NULL THEN NULL WHEN t.rank <= ${query.limit} THEN k.link_to ELSE ${OTHER} END AS link_to,
      k.goes_on,
      sum(k.n) AS sessions
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

/**
 * The paths answer, from the step table when `useStepTable` and it can answer (then `fromSteps`),
 * else from raw events: the same rows either way.
 */
export async function runPaths(
  db: Db,
  scope: QueryScope,
  query: PathsQuery,
  useStepTable = true,
): Promise<{ data: PathsResult; fromSteps: boolean }> {
  const plan: SessionPathsPlan | null = useStepTable ? await sessionPathsPlanIfAnswerable(db, scope, query) : null;
  const kept = plan ? stepTableKeptSql(plan, scope, query) : rawKeptSql(scope, query);
  const { rows } = await db.query<PathRow>(pathsSql(query, kept).toQuery());
  return { data: assemblePaths(query, rows), fromSteps: plan !== null };
}
