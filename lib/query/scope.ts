// What every compiled query is bounded by: one organization, one project, a time range, filters.

import type { GoalDefinition } from "../goals/schemas";
import { allFiltersCondition } from "./conversion-filter";
import type { Filter } from "./schemas";
import { type Sql, sql, trusted } from "./sql";

export interface QueryScope {
  organizationId: string;
  projectId: string;
  from: Date;
  to: Date;
  timezone: string;
  /** Only events with this name, when set. */
  event?: string;
  filters: readonly Filter[];
  /** The project's goals the query names (its goal measure, its "goal" filters) by id, resolved before it runs (lib/goals/goals.ts). */
  goals?: Readonly<Record<string, GoalDefinition>>;
  /** Only the events that complete this goal (its id): what goal_completions counts (lib/query/goals.ts). */
  completing?: string;
  /** first_seen_state's watermark as the query's snapshot has it, read where the query uses first seen (lib/query/first-seen.ts). */
  firstSeenWatermark?: string;
  /** rollup_state's watermark as the query's snapshot has it, where raw events are read through property_events (lib/query/property-events.ts). */
  propertyWatermark?: string;
}

/** The tenant and project bound: the first condition of every query over events, whatever else it does. */
export function tenantCondition(scope: Pick<QueryScope, "organizationId" | "projectId">, alias = "e"): Sql {
  return sql`${trustedAlias(alias)}.organization_id = ${scope.organizationId}::uuid AND ${trustedAlias(alias)}.project_id = ${scope.projectId}::uuid`;
}

export function scopeCondition(scope: QueryScope, alias = "e"): Sql {
  const a = trustedAlias(alias);
  const byName = scope.event === undefined ? sql`TRUE` : sql`${a}.name = ${scope.event}`;
  return sql`${tenantCondition(scope, alias)} AND ${a}.timestamp >= ${scope.from}::timestamptz AND ${a}.timestamp < ${scope.to}::timestamptz AND ${byName} AND ${allFiltersCondition(scope, alias)}`;
}

function trustedAlias(alias: string): Sql {
  if (!/^[a-z][a-z0-9_]*$/.test(alias)) throw new Error(`unsafe alias ${alias}`);
  return trusted(alias);
}
