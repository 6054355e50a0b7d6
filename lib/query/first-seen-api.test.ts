// New vs returning visitors and first-touch filters through POST /api/v1/query, over HTTP against the
// running app: ingested events in, the split out; a visitor type that is neither is a 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, daysAgoAt, heldClock, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";

let tenant: Tenant & { readKey: string };
/** "Today" for every request: noon UTC yesterday, held on the server, with today's visits at 10:00. */
const now = daysAgoAt(1, 12);

function query(body: Record<string, unknown>) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tenant.readKey}`, ...heldClock(now) },
    body: JSON.stringify({ project_id: tenant.projectId, range: { relative: "today" }, timezone: "UTC", ...body }),
  });
}

beforeAll(async () => {
  const created = await createTenant();
  const read = await createApiKey({ organizationId: created.organizationId, kind: "read", name: "reader" });
  tenant = { ...created, readKey: read.key };
  const today = new Date(now.getTime() - 2 * 3_600_000).toISOString();
  const lastWeek = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const response = await postEvents(
    {
      events: [
        // seen last week and today: returning; first touch from a search engine.
        {
          name: "pageview",
          anonymous_id: "v-back",
          timestamp: lastWeek,
          context: { page: { url: "https://a.example/", referrer: "https://duckduckgo.com/" } },
        },
        { name: "pageview", anonymous_id: "v-back", timestamp: today },
        // first seen today: new.
        { name: "pageview", anonymous_id: "v-new-1", timestamp: today },
        { name: "pageview", anonymous_id: "v-new-2", timestamp: today },
      ],
    },
    { key: tenant.writeKey },
  );
  expect(response.status).toBe(202);
  expect(await response.json()).toMatchObject({ accepted: 4, rejected: [] });
});

afterAll(async () => {
  await closeDatabase();
});

describe("new vs returning over /api/v1/query", () => {
  it("splits today's visitors into new and returning", async () => {
    const response = await query({
      query: { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { rows: { value: string; measure: number }[] } };
    expect(body.data.rows).toEqual([
      { value: "new", measure: 2 },
      { value: "returning", measure: 1 },
    ]);
    const returning = await query({ query: { kind: "metric", measure: { type: "returning_users" }, compare: false } });
    expect(((await returning.json()) as { data: { value: number } }).data.value).toBe(1);
  });

  it("filters on the first referrer", async () => {
    const response = await query({
      query: {
        kind: "metric",
        measure: { type: "unique_users" },
        compare: false,
        filters: [{ field: "first_referrer", op: "equals", value: "duckduckgo.com" }],
      },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { value: number } }).data.value).toBe(1);
  });

  it("answers a saved segment of the visitors whose first referrer was a search engine", async () => {
    const segment = await getPrisma().segment.create({
      data: {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        name: "Came from DuckDuckGo",
        filters: [{ field: "first_referrer", op: "equals", value: "duckduckgo.com" }],
      },
    });
    const response = await query({
      segment: segment.id,
      query: { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } },
    });
    expect(response.status).toBe(200);
    // Their first visit was last week: returning today.
    expect(((await response.json()) as { data: { rows: unknown[] } }).data.rows).toEqual([
      { value: "returning", measure: 1 },
    ]);
  });

  it("refuses a visitor type that is neither new nor returning, and a number comparison, with a 400", async () => {
    const bad = await query({
      query: { kind: "metric", filters: [{ field: "visitor_type", op: "equals", value: "loyal" }] },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string; details: { path: string }[] } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.some((d) => d.path.includes("filters"))).toBe(true);
    const numeric = await query({
      query: { kind: "metric", filters: [{ field: "first_page", op: "gt", value: 3 }] },
    });
    expect(numeric.status).toBe(400);
    expect(((await numeric.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});
