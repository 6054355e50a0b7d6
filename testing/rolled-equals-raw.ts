// A query answered twice in the same way but for its source, from raw events only and as the app
// answers it (rollups and bitmaps where they can): the two answers must be equal. Resolves to
// whether the app's answer came from derived tables, for tests that also require that.
import { expect } from "vitest";
import { runQuery } from "../lib/query/run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "../lib/query/schemas";
import type { Tenant } from "./fixtures";

export async function rolledEqualsRaw(
  tenant: Tenant,
  input: QueryDefinitionInput,
  range: QueryRange,
  at: { timezone: string; now: Date },
): Promise<boolean> {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, ...at };
  const [raw, rolled] = await Promise.all([runQuery({ ...base, useRollups: false }), runQuery(base)]);
  expect(rolled.data, JSON.stringify({ input, range })).toEqual(raw.data);
  return rolled.meta.rollups;
}
