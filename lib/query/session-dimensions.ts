// Session dimensions (entry_page, exit_page) and the pageview measure time_on_page, over raw events.
// A session is made of the events in the query's scope (range, event, the filters on events and
// visitors), as lib/query/sessions.ts defines it; then:
// - entry_page is the path of the session's first pageview, exit_page of its last (at the same
//   instant, the least path bytewise is the entry and the greatest the exit, "no path" least);
//   a session without a pageview has neither (NULL: "No pageview"). Every event of the session
//   carries them, so an event measure by entry page counts the events of the sessions that entered
//   there, and a session measure the sessions.
// - A filter on entry_page or exit_page keeps the sessions that entered or left there: every event
//   of theirs the other filters keep (event measures count those events, session measures those
//   sessions, time on page their pageviews). The pages are those of the session as the other filters
//   cut it (filtered on a country, the first pageview from that country), like every session measure.
// - time_on_page is the average number of seconds from a pageview to the session's next pageview
//   (its events in scope). The session's last pageview has no next one and is left out, as
//   Plausible and Umami leave it out: nothing tells how long it was read. It groups and buckets by
//   the pageview itself (time on page by path: the classic table).
// The session rollups answer entry and exit page breakdowns of session measures
// (lib/query/session-rollups.ts); everything else here reads raw events.
import { ApiError } from "../errors";
import { columnName, filtersCondition, isPropertyPath } from "./fields";
import { firstSeenJoinSql, groupingDimensionSql } from "./first-seen";
import type { Interval } from "./measure";
import { eventsOf } from "./property-events";
import type { Dimension, Filter, Measure, QueryDefinition } from "./schemas";
import { type QueryScope, scopeCondition } from "./scope";
import { idlessSessionRowsSql, isPageviewSql, sessionColumnsSql } from "./sessions";
import { empty, type Sql, sql, trusted } from "./sql";
import { DIMENSIONS, isSessionDimension, isVisitorDimension, SESSION_DIMENSIONS } from "./vocabulary";

export { isSessionDimension, SESSION_DIMENSIONS };

export const isSessionFilter = (filter: Filter) => isSessionDimension(filter.field);

/** The scope's filters on session dimensions. */
export const sessionFilters = (filters: readonly Filter[]) => filters.filter(isSessionFilter);

/** Whether a grouping or the scope needs events with their session's pages (sessionEventsSql). */
export function needsSessionEvents(scope: Pick<QueryScope, "filters">, dimension?: string, measure?: Measure): boolean {
  return (
    measure?.type === "time_on_page" ||
    (dimension !== undefined && isSessionDimension(dimension)) ||
    scope.filters.some(isSessionFilter)
  );
}

/** The order of pageviews within a session: time, then path bytewise ("no path" first). */
const pageviewOrder = (alias: string, direction: "ASC" | "DESC") =>
  direction === "ASC"
    ? `${alias}.timestamp ASC, ${alias}.path COLLATE "C" ASC NULLS FIRST`
    : `${alias}.timestamp DESC, ${alias}.path COLLATE "C" DESC NULLS LAST`;

/**
 * The events columns sessionEventsSql carries: what dimensions, measures and the pageview order
 * read. Properties (the widest column) only when asked: a property dimension, measure or step filter.
 */
function carriedColumns(properties: boolean): string[] {
  const dimensions = DIMENSIONS.filter((d) => !isSessionDimension(d) && !isVisitorDimension(d)).map((d) =>
    columnName(d),
  );
  return [...new Set(["event_id", "name", "timestamp", "actor", ...dimensions, ...(properties ? ["properties"] : [])])];
}

/**
 * The scope's events (its session filters aside), each with the carried events columns and its
 * session's session_key, entry_page, exit_page and next_pageview_at (for a pageview: the session's
 * next pageview's time, NULL for the last), as a relation to alias `e`. Events of no session (no
 * session id and no actor) carry NULLs. Then `sessionFiltersCondition` keeps the sessions filtered on.
 */
export function sessionEventsSql(scope: QueryScope, options: { properties?: boolean } = {}): Sql {
  const inner: QueryScope = { ...scope, filters: scope.filters.filter((f) => !isSessionFilter(f)) };
  const names = carriedColumns(options.properties ?? false);
  const columns = trusted(names.map((c) => `e."${c}"`).join(", "));
  const isPageview = isPageviewSql(sql`k.name`);
  return sql`(
    WITH keyed AS MATERIALIZED (
      SELECT ${columns}, 's:' || e.session_id AS session_key FROM ${eventsOf(inner)} e
      WHERE ${scopeCondition(inner)} AND e.session_id IS NOT NULL
      UNION ALL
      ${idlessSessionRowsSql(inner, Object.fromEntries(names.map((c) => [c, trusted(`e."${c}"`)])))}
      UNION ALL
      SELECT ${columns}, NULL::text AS session_key FROM ${eventsOf(inner)} e
      WHERE ${scopeCondition(inner)} AND e.session_id IS NULL AND COALESCE(e.user_id, e.anonymous_id) IS NULL
    ),
    pages AS (
      SELECT k.session_key,
             (array_agg(k.path ORDER BY ${trusted(pageviewOrder("k", "ASC"))}) FILTER (WHERE ${isPageview}))[1] AS entry_page,
             (array_agg(k.path ORDER BY ${trusted(pageviewOrder("k", "DESC"))}) FILTER (WHERE ${isPageview}))[1] AS exit_page
      FROM keyed k WHERE k.session_key IS NOT NULL GROUP BY k.session_key
    )
    SELECT k.*, p.entry_page, p.exit_page,
           CASE WHEN ${isPageview} AND k.session_key IS NOT NULL
             THEN lead(k.timestamp) OVER (PARTITION BY k.session_key, ${isPageview} ORDER BY ${trusted(pageviewOrder("k", "ASC"))}, k.event_id)
           END AS next_pageview_at
    FROM keyed k LEFT JOIN pages p ON p.session_key = k.session_key
  )`;
}

/** The scope's session filters on sessionEventsSql's rows (alias e): TRUE when it has none. */
export function sessionFiltersCondition(scope: Pick<QueryScope, "filters">, alias = "e"): Sql {
  return filtersCondition(sessionFilters(scope.filters), alias);
}

/** Like sessionsSql (lib/query/sessions.ts), over sessionEventsSql: the sessions its session filters keep. */
export function sessionsOfSessionEventsSql(scope: QueryScope, dimension?: Dimension, interval?: Interval): Sql {
  const dim = dimension ? groupingDimensionSql(scope, dimension, interval) : sql`NULL::text`;
  const joined = dimension !== undefined && isVisitorDimension(dimension) ? firstSeenJoinSql(scope) : empty;
  const properties = dimension !== undefined && isPropertyPath(dimension);
  return sql`
    SELECT session_key, ${sessionColumnsSql}, (array_agg(dim ORDER BY ts))[1] AS dim
    FROM (
      SELECT e.timestamp AS ts, e.name, ${dim} AS dim, e.session_key FROM ${sessionEventsSql(scope, { properties })} e ${joined}
      WHERE ${sessionFiltersCondition(scope)} AND e.session_key IS NOT NULL
    ) keyed
    GROUP BY session_key`;
}

/** time_on_page over sessionEventsSql's rows (alias e): the pageviews with a next one. */
export function timeOnPageAggregate(): Sql {
  const viewed = sql`${isPageviewSql(sql`e.name`)} AND e.next_pageview_at IS NOT NULL`;
  return sql`(sum((extract(epoch FROM e.next_pageview_at - e.timestamp) * 1000000)::bigint) FILTER (WHERE ${viewed})::float8
    / NULLIF(count(*) FILTER (WHERE ${viewed}), 0)::float8 / 1000000)`;
}

/**
 * Session dimensions where a kind cannot place them: funnels break down by them (the session of the
 * user's first step-1 event) but take no filter on them; retention, vitals and errors take neither.
 */
export function assertSessionDimensionsSupported(query: QueryDefinition): void {
  if (query.kind === "trend" || query.kind === "metric" || query.kind === "breakdown") return;
  const where = query.filters.some(isSessionFilter) ? ["query.filters"] : [];
  if (query.kind === "funnel")
    query.steps.forEach((step, i) => {
      if (step.filters.some(isSessionFilter)) where.push(`query.steps[${i}].filters`);
    });
  if (where.length === 0) return;
  const names = SESSION_DIMENSIONS.join(" and ");
  throw new ApiError(
    "invalid_request",
    `${names} filters are not available in ${query.kind} queries`,
    where.map((path) => ({ path, message: `${names} filters keep sessions: not available in a ${query.kind}` })),
  );
}
