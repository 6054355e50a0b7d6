// The query API over HTTP: read keys, tenant isolation, validation, and injection attempts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, daysAgoAt, heldClock, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";

let a: Tenant & { readKey: string };
let b: Tenant & { readKey: string };
/** "Today" for every request: noon UTC yesterday, held on the server, with a's events at 10:00. */
const now = daysAgoAt(1, 12);
const today = now.toISOString().slice(0, 10);

async function tenantWithReadKey() {
  const tenant = await createTenant();
  const read = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" });
  return { ...tenant, readKey: read.key };
}

function query(body: unknown, key?: string) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...heldClock(now),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  a = await tenantWithReadKey();
  b = await tenantWithReadKey();
  const timestamp = new Date(now.getTime() - 2 * 3_600_000).toISOString();
  await postEvents(
    {
      events: [
        { name: "pageview", timestamp, context: { page: { url: "https://a.example/x" } } },
        { name: "pageview", timestamp },
        { name: "signup", timestamp },
      ],
    },
    { key: a.writeKey },
  );
  await postEvents({ events: [{ name: "pageview" }] }, { key: b.writeKey });
});

afterAll(async () => {
  await closeDatabase();
});

describe("POST /api/v1/query", () => {
  it("answers with data and meta for the organization's read key", async () => {
    const response = await query(
      {
        project_id: a.projectId,
        query: { kind: "metric", event: "pageview" },
        range: { relative: "today" },
        timezone: "UTC",
      },
      a.readKey,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: { value: number };
      meta: { took_ms: number; rollups: boolean; timezone: string; range: { from: string; to: string } };
    };
    expect(body.data.value).toBe(2);
    expect(body.meta).toMatchObject({ timezone: "UTC", rollups: expect.any(Boolean), took_ms: expect.any(Number) });
    expect(new Date(body.meta.range.to).getTime() - new Date(body.meta.range.from).getTime()).toBe(86_400_000);
  });

  it("uses the project's time zone by default", async () => {
    const response = await query({ project_id: a.projectId, query: { kind: "metric" } }, a.readKey);
    expect(((await response.json()) as { meta: { timezone: string } }).meta.timezone).toBe("Europe/Paris");
  });

  it("refuses another organization's project, whichever key is used", async () => {
    const withOtherKey = await query({ project_id: a.projectId, query: { kind: "metric" } }, b.readKey);
    expect(withOtherKey.status).toBe(404);
    expect(((await withOtherKey.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const withWriteKey = await query({ project_id: a.projectId, query: { kind: "metric" } }, a.writeKey);
    expect(withWriteKey.status).toBe(403);
    expect((await query({ project_id: a.projectId, query: { kind: "metric" } })).status).toBe(401);
  });

  it("names the invalid field in a 400", async () => {
    const response = await query(
      { project_id: a.projectId, query: { kind: "funnel", steps: [{ event: "a" }, { event: "" }] } },
      a.readKey,
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as {
      error: { code: string; message: string; details: { path: string }[] };
    };
    expect(error.code).toBe("invalid_request");
    expect(error.details[0]!.path).toBe("query.steps[1].event");
    const badKind = await query({ project_id: a.projectId, query: { kind: "pie" } }, a.readKey);
    expect(((await badKind.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(
      "query.kind",
    );
  });

  it("rejects SQL in property names and dimensions, and treats SQL in values as plain text", async () => {
    const injectedPath = await query(
      { project_id: a.projectId, query: { kind: "breakdown", dimension: "properties.x'); DROP TABLE events; --" } },
      a.readKey,
    );
    expect(injectedPath.status).toBe(400);
    const injectedDimension = await query(
      { project_id: a.projectId, query: { kind: "breakdown", dimension: "path; DROP TABLE events" } },
      a.readKey,
    );
    expect(injectedDimension.status).toBe(400);
    const injectedValue = await query(
      {
        project_id: a.projectId,
        query: {
          kind: "metric",
          filters: [
            { field: "path", op: "equals", value: "x' OR '1'='1" },
            { field: "properties.plan", op: "in", value: ["a'); DROP TABLE events; --"] },
          ],
        },
        range: { relative: "today" },
      },
      a.readKey,
    );
    expect(injectedValue.status).toBe(200);
    expect(((await injectedValue.json()) as { data: { value: number } }).data.value).toBe(0);
    const stillThere = await getPool().query("SELECT count(*)::int AS n FROM events WHERE project_id = $1", [
      a.projectId,
    ]);
    expect(stillThere.rows[0].n).toBe(3);
  });
});

describe("GET /api/v1/reports/{id}/data", () => {
  it("runs every widget of a report, and only for its own organization", async () => {
    const report = await getPrisma().report.create({
      data: {
        organizationId: a.organizationId,
        projectId: a.projectId,
        name: "Overview",
        widgets: {
          create: [
            { title: "Pageviews", query: { kind: "metric", event: "pageview" }, gridX: 0, gridY: 0 },
            { title: "Top events", query: { kind: "breakdown", dimension: "event" }, gridX: 6, gridY: 0 },
          ],
        },
      },
    });
    const url = `${testBaseUrl()}/api/v1/reports/${report.id}/data?from=${today}&to=${today}&tz=UTC`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${a.readKey}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      widgets: { title: string; data: { value?: number; rows?: { value: string; measure: number }[] } }[];
    };
    expect(body.widgets.map((w) => w.title)).toEqual(["Pageviews", "Top events"]);
    expect(body.widgets[0]!.data.value).toBe(2);
    expect(body.widgets[1]!.data.rows).toEqual([
      { value: "pageview", measure: 2 },
      { value: "signup", measure: 1 },
    ]);

    const other = await fetch(url, { headers: { authorization: `Bearer ${b.readKey}` } });
    expect(other.status).toBe(404);
    const badTz = await fetch(`${testBaseUrl()}/api/v1/reports/${report.id}/data?tz=Mars/Olympus`, {
      headers: { authorization: `Bearer ${a.readKey}` },
    });
    expect(badTz.status).toBe(400);
  });
});
