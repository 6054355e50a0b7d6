// A query's segments, resolved into filters: the one place every surface passes (runQuery in
// lib/query/run-query.ts: the query API, report widgets, embeds, alert evaluation, CSV exports).
// A query may name a segment in its definition (a widget's own, an alert rule's) and its request
// may name another (the view's picker, an embed's lock): each segment's filters are ANDed with the
// query's, so a request's segment narrows a widget's and can never widen it.
import "server-only";
import type pg from "pg";
import { z } from "zod";
import { ApiError } from "../errors";
import {
  CONVERSION_FIELD,
  type Filter,
  filterSchema,
  MAX_CONVERSION_FILTERS,
  type QueryDefinition,
} from "../query/schemas";

export interface SegmentReference {
  id: string;
  /** Where the id came from, for the error's details ("query.segment", "segment"). */
  path: string;
}

const storedFiltersSchema = z.array(filterSchema);

/**
 * The query with its segments' filters after its own and `segment` gone. Exact duplicates are kept
 * once (a view whose filters are already a segment's, picked again); anything else is ANDed, so two
 * `performed` filters keep the visitors who did both, within MAX_CONVERSION_FILTERS over all of them.
 * A segment of another project (or organization) is the same 400 as a missing one.
 */
export async function resolveSegments(
  db: Pick<pg.PoolClient, "query">,
  tenant: { organizationId: string; projectId: string },
  query: QueryDefinition,
  requestSegment?: string,
): Promise<QueryDefinition> {
  const references: SegmentReference[] = [];
  if (query.segment) references.push({ id: query.segment, path: "query.segment" });
  if (requestSegment && requestSegment !== query.segment) references.push({ id: requestSegment, path: "segment" });
  const { segment: _named, ...rest } = query;
  if (!references.length) return query;
  const { rows } = await db.query<{ id: string; name: string; filters: unknown }>({
    text: `SELECT s.id, s.name, s.filters FROM segments s
            WHERE s.id = ANY($1::uuid[]) AND s.organization_id = $2::uuid AND s.project_id = $3::uuid`,
    values: [references.map((r) => r.id), tenant.organizationId, tenant.projectId],
  });
  const filters: Filter[] = [...query.filters];
  const seen = new Set(filters.map((f) => JSON.stringify(f)));
  for (const reference of references) {
    const row = rows.find((r) => r.id === reference.id);
    if (!row)
      throw new ApiError("invalid_request", `${reference.path}: No such segment in this project`, [
        { path: reference.path, message: "No such segment in this project" },
      ]);
    const stored = storedFiltersSchema.safeParse(row.filters);
    if (!stored.success)
      throw new ApiError("invalid_request", `Segment "${row.name}" holds filters this version cannot read: edit it`, [
        { path: reference.path, message: "The segment's filters are invalid" },
      ]);
    for (const filter of stored.data) {
      const key = JSON.stringify(filter);
      if (seen.has(key)) continue;
      seen.add(key);
      filters.push(filter);
    }
  }
  const conversions = filters.filter((f) => f.field === CONVERSION_FIELD).length;
  if (conversions > MAX_CONVERSION_FILTERS)
    throw new ApiError(
      "invalid_request",
      `The query and its segment hold ${conversions} "performed" filters together; at most ${MAX_CONVERSION_FILTERS}`,
      references.map((r) => ({ path: r.path, message: `too many "performed" filters with the query's` })),
    );
  return { ...rest, filters } as QueryDefinition;
}
