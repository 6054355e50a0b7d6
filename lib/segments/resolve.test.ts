// Segment resolution over real PostgreSQL: a segment's filters join the query's (ANDed, each once),
// only the query's own project's segments resolve, the "performed" bound holds over both, and a
// query naming a segment answers exactly what the same filters written inline answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import type { MetricResult } from "../query/results";
import { runQuery } from "../query/run-query";
import { type Filter, MAX_CONVERSION_FILTERS, queryDefinitionSchema } from "../query/schemas";
import { createProject } from "../workspace/workspace";
import { resolveSegments } from "./resolve";

const did = (event: string): Filter => ({ field: "performed", op: "equals", value: event });
const german: Filter = { field: "country", op: "equals", value: "DE" };

let tenant: Tenant;
let otherTenant: Tenant;
let siblingProjectId: string;

async function segment(owner: { organizationId: string; projectId: string }, name: string, filters: Filter[]) {
  const row = await getPrisma().segment.create({
    data: { organizationId: owner.organizationId, projectId: owner.projectId, name, filters },
  });
  return row.id;
}

beforeAll(async () => {
  [tenant, otherTenant] = await Promise.all([createTenant(), createTenant()]);
  siblingProjectId = (await createProject(tenant.organizationId, { name: "Sibling", timezone: "UTC" })).id;
  const at = new Date(Date.now() - 3_600_000);
  const visit = (user: string, name: string, country: string) =>
    eventRow({ name, timestamp: at, userId: user, country });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    visit("ada", "pageview", "DE"),
    visit("ada", "signup", "DE"),
    visit("ben", "pageview", "DE"),
    visit("cy", "pageview", "FR"),
    visit("cy", "signup", "FR"),
    visit("dee", "pageview", "US"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

const metric = (filters: Filter[] = [], segmentId?: string) =>
  queryDefinitionSchema.parse({
    kind: "metric",
    measure: { type: "unique_users" },
    compare: false,
    filters,
    ...(segmentId ? { segment: segmentId } : {}),
  });

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("resolveSegments", () => {
  it("puts the segment's filters after the query's and drops the id", async () => {
    const id = await segment(tenant, "Germans who signed up", [did("signup"), german]);
    const resolved = await resolveSegments(
      getPool(),
      tenant,
      metric([{ field: "path", op: "equals", value: "/" }], id),
    );
    expect(resolved.segment).toBeUndefined();
    expect(resolved.filters).toEqual([{ field: "path", op: "equals", value: "/" }, did("signup"), german]);
  });

  it("ANDs a request's segment with the query's own, keeping identical filters once", async () => {
    const signedUp = await segment(tenant, "Signed up", [did("signup")]);
    const germans = await segment(tenant, "Germans", [german, did("signup")]);
    const resolved = await resolveSegments(getPool(), tenant, metric([german], signedUp), germans);
    expect(resolved.filters).toEqual([german, did("signup")]);
    // The same segment from both sides counts once.
    expect((await resolveSegments(getPool(), tenant, metric([], germans), germans)).filters).toEqual([
      german,
      did("signup"),
    ]);
  });

  it("refuses a segment of another project or organization like a missing one, naming where it came from", async () => {
    const sibling = await segment({ organizationId: tenant.organizationId, projectId: siblingProjectId }, "S", [
      german,
    ]);
    const foreign = await segment(otherTenant, "F", [german]);
    for (const id of [sibling, foreign, "0b6f7c1e-4a1d-4c55-9a49-1f2b3c4d5e6f"]) {
      const viaQuery = await refusal(resolveSegments(getPool(), tenant, metric([], id)));
      expect(viaQuery.code).toBe("invalid_request");
      expect(viaQuery.details).toEqual([{ path: "query.segment", message: "No such segment in this project" }]);
      const viaRequest = await refusal(resolveSegments(getPool(), tenant, metric(), id));
      expect(viaRequest.details?.[0]?.path).toBe("segment");
    }
  });

  it("bounds the performed filters of the query and its segment together", async () => {
    const events = Array.from({ length: MAX_CONVERSION_FILTERS }, (_, i) => did(`step${i}`));
    const id = await segment(tenant, "Did every step", events);
    const error = await refusal(resolveSegments(getPool(), tenant, metric([did("signup")], id)));
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain(`at most ${MAX_CONVERSION_FILTERS}`);
    // The same performed filter on both sides is one filter: within the bound.
    const within = await resolveSegments(getPool(), tenant, metric([did("step0")], id));
    expect(within.filters).toEqual(events);
  });
});

describe("runQuery with a segment", () => {
  it("answers what the same filters inline answer", async () => {
    const id = await segment(tenant, "German signups", [did("signup"), german]);
    const base = { organizationId: tenant.organizationId, projectId: tenant.projectId };
    const range = { relative: "last_24_hours" as const };
    const value = async (query: ReturnType<typeof metric>, requestSegment?: string) =>
      ((await runQuery({ ...base, query, range, timezone: "UTC", segment: requestSegment })).data as MetricResult)
        .value;
    expect(await value(metric())).toBe(4);
    expect(await value(metric([did("signup"), german]))).toBe(1);
    expect(await value(metric([], id))).toBe(1);
    expect(await value(metric(), id)).toBe(1);
    // ANDed with the query's own filters: French visitors of a German segment are nobody.
    expect(await value(metric([{ field: "country", op: "equals", value: "FR" }]), id)).toBe(0);
  });
});
