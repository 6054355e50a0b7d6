// Entry and exit pages, pages per session and time on page through POST /api/v1/query: answers,
// and a clear 400 for what they do not take.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase } from "../db/client";

let tenant: Tenant & { readKey: string };

function query(body: Record<string, unknown>) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tenant.readKey}` },
    body: JSON.stringify({ project_id: tenant.projectId, range: { relative: "last_24_hours" }, ...body }),
  });
}

beforeAll(async () => {
  const created = await createTenant();
  const read = await createApiKey({ organizationId: created.organizationId, kind: "read", name: "reader" });
  tenant = { ...created, readKey: read.key };
  // One clock reading: two would put the pageviews a millisecond further apart than written.
  const now = Date.now();
  const minutesAgo = (n: number) => new Date(now - n * 60_000).toISOString();
  const page = (path: string) => ({ page: { url: `https://site.example${path}` } });
  const response = await postEvents(
    {
      events: [
        { name: "pageview", timestamp: minutesAgo(30), session_id: "v1", anonymous_id: "a1", context: page("/") },
        { name: "pageview", timestamp: minutesAgo(28), session_id: "v1", anonymous_id: "a1", context: page("/docs") },
        { name: "pageview", timestamp: minutesAgo(20), session_id: "v2", anonymous_id: "a2", context: page("/docs") },
      ],
    },
    { key: tenant.writeKey },
  );
  expect(response.status).toBe(202);
});

afterAll(async () => {
  await closeDatabase();
});

describe("session dimensions and measures over HTTP", () => {
  it("breaks sessions down by entry page and measures time on page", async () => {
    const entries = await query({
      query: { kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" } },
    });
    expect(entries.status).toBe(200);
    expect((await entries.json()).data.rows).toEqual([
      { value: "/", measure: 1 },
      { value: "/docs", measure: 1 },
    ]);
    const time = await query({
      query: {
        kind: "metric",
        measure: { type: "time_on_page" },
        compare: false,
        filters: [{ field: "exit_page", op: "equals", value: "/docs" }],
      },
    });
    expect(time.status).toBe(200);
    // v1's / was read 2 minutes; /docs ends both sessions.
    expect((await time.json()).data.value).toBe(120);
  });

  it("answers 400 for a property on pages_per_session, naming the field", async () => {
    const response = await query({
      query: { kind: "metric", measure: { type: "pages_per_session", property: "properties.amount" } },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("invalid_request");
    expect(JSON.stringify(body.error.details)).toContain("query.measure");
  });

  it("answers 400 for entry or exit page filters where a kind cannot take them", async () => {
    const retention = await query({
      query: {
        kind: "retention",
        start_event: "pageview",
        return_event: "pageview",
        filters: [{ field: "entry_page", op: "equals", value: "/" }],
      },
    });
    expect(retention.status).toBe(400);
    expect((await retention.json()).error).toMatchObject({
      code: "invalid_request",
      details: [{ path: "query.filters" }],
    });
    const funnelStep = await query({
      query: {
        kind: "funnel",
        steps: [
          { event: "pageview", filters: [{ field: "exit_page", op: "equals", value: "/docs" }] },
          { event: "signup" },
        ],
      },
    });
    expect(funnelStep.status).toBe(400);
    expect((await funnelStep.json()).error.details).toEqual([
      expect.objectContaining({ path: "query.steps[0].filters" }),
    ]);
  });
});
