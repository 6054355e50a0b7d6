// Property filters through property_events (kept by property-events-refresh.ts): a query filtered on
// a property reads the events property_events names for it, by primary key, instead of every event
// of its range with its JSON parsed (a property's events are a few percent of a site's). It is still
// the raw answer: every filter, the property's own included, is applied to those events as to all;
// property_events only leaves out events that cannot pass. The events that arrived after the rollup
// watermark (not yet in property_events) are read whole, as every derived source reads them.
//
// A filter narrows the events when it only passes events that carry its top-level property: equals,
// in, is set, contains, matches and the numeric comparisons (not the negative ones, which pass events
// without it). Equality to a string and `in` narrow to the values too (the text ->> gives, as stored),
// and the query's conditions on the event name to its events (each row carries its event's name).
import "server-only";
import type pg from "pg";
import { dimensionText, textFilterCondition } from "./fields";
import { watermarkSql } from "./rollups";
import type { Filter } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql } from "./sql";

const NARROWING = new Set<Filter["op"]>(["equals", "in", "is_set", "contains", "matches", "gt", "gte", "lt", "lte"]);

/** Keys are stored cut to 100 characters: only shorter ones are surely stored whole, and alone. */
const WHOLE_KEY_LENGTH = 99;

interface Narrowing {
  key: string;
  /** The values' text, when the filter keeps only those. */
  values: string[] | null;
}

function narrowingOf(filter: Filter): Narrowing | null {
  if (!filter.field.startsWith("properties.") || !NARROWING.has(filter.op)) return null;
  const [key, ...nested] = filter.field.split(".").slice(1);
  if (!key || key.length > WHOLE_KEY_LENGTH) return null;
  const v = filter.value;
  if (nested.length === 0 && filter.op === "equals" && typeof v === "string") return { key, values: [v] };
  if (nested.length === 0 && filter.op === "in" && Array.isArray(v)) return { key, values: v.map(String) };
  return { key, values: null };
}

/** The filter that narrows the scope's events most surely: one naming values, else any that narrows. */
function narrowingFilter(filters: readonly Filter[]): Narrowing | null {
  const narrowings = filters.map(narrowingOf).filter((n): n is Narrowing => n !== null);
  return narrowings.find((n) => n.values) ?? narrowings[0] ?? null;
}

/** Whether a filter of the query narrows its events through property_events. */
export const hasNarrowingFilter = (filters: readonly Filter[]): boolean => narrowingFilter(filters) !== null;

/**
 * The scope's conditions on the event name (its event, its filters on the event field) on the
 * property rows p: the rows carry their event's name, so the events they leave out could not pass.
 */
function namesCondition(scope: QueryScope): Sql {
  const conditions = scope.filters
    .filter((filter) => filter.field === "event")
    .map((filter) => textFilterCondition(filter, dimensionText("event", "p")));
  if (scope.event !== undefined) conditions.push(sql`p.name = ${scope.event}`);
  return conditions.length ? join(conditions, " AND ") : sql`TRUE`;
}

/**
 * The relation raw queries read the scope's events from (alias it e): events, or with the rollup
 * watermark set on the scope (propertyWatermark) and a narrowing filter among its filters, the
 * events property_events names for it up to the watermark and every event after it.
 */
export function eventsOf(scope: QueryScope): Sql {
  const narrowing = scope.propertyWatermark === undefined ? null : narrowingFilter(scope.filters);
  if (!narrowing) return sql`events`;
  const watermark = sql`${scope.propertyWatermark}::timestamptz`;
  const values = narrowing.values
    ? sql`AND p.value = ANY(ARRAY(SELECT left(v, 100) FROM unnest(${narrowing.values}::text[]) v))`
    : sql``;
  // Each property row's event by primary key, always: OFFSET 0 keeps the lookup a lookup. Left to
  // plan the join, PostgreSQL read the range's events once per property row whenever its statistics
  // had not caught up with a project's data (a new project, a backfill): 750 ms for 12k events,
  // against 10 ms.
  return sql`(
    SELECT e.* FROM property_events p
    CROSS JOIN LATERAL (
      SELECT e.* FROM events e
      WHERE e.organization_id = p.organization_id AND e.project_id = p.project_id
        AND e.timestamp = p.timestamp AND e.event_id = p.event_id AND e.received_at <= ${watermark}
      OFFSET 0
    ) e
    WHERE ${tenantCondition(scope, "p")} AND p.key = ${narrowing.key} ${values}
      AND p.timestamp >= ${scope.from}::timestamptz AND p.timestamp < ${scope.to}::timestamptz
      AND ${namesCondition(scope)}
    UNION ALL
    SELECT e.* FROM events e WHERE ${tenantCondition(scope, "e")} AND e.received_at > ${watermark}
  )`;
}

/** rollup_state's watermark in the query's snapshot (what property_events hold up to), or null before the first refresh. */
export async function readPropertyWatermark(db: Pick<pg.Pool, "query">): Promise<string | null> {
  const { rows } = await db.query<{ watermark: string | null }>(sql`SELECT ${watermarkSql} AS watermark`.toQuery());
  return rows[0]?.watermark ?? null;
}
