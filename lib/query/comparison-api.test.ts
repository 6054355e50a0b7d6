// Comparisons and conversion filters over HTTP: every route that runs report queries (the query
// API, a report's data, an embed's data) resolves "today" at the request's clock, which a test
// server lets a request hold (X-Lumen-Test-Now: lib/clock.ts), compares like with like, and takes
// conversion filters, locked ones included; bad ones are a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { createEmbed } from "../embed/issue";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";

const NOW = "2026-11-18T13:37:00.000Z"; // 14:37 in Paris, the project's zone
let tenant: Tenant & { readKey: string };

beforeAll(async () => {
  const created = await createTenant();
  const read = await createApiKey({ organizationId: created.organizationId, kind: "read", name: "reader" });
  tenant = { ...created, readKey: read.key };
  await ensureEventPartitions(getPool(), new Date("2026-11-01"), new Date("2026-12-01"));
  const at = (actor: string, name: string, iso: string) =>
    eventRow({ name, timestamp: new Date(iso), userId: actor, sessionId: `${actor}-${iso.slice(0, 10)}` });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    at("ann", "pageview", "2026-11-17T08:00:00Z"),
    at("ben", "pageview", "2026-11-17T12:00:00Z"),
    at("ben", "signup", "2026-11-17T12:05:00Z"),
    at("dan", "pageview", "2026-11-17T15:00:00Z"), // after 14:37
    at("fay", "pageview", "2026-11-18T10:00:00Z"),
    at("gus", "pageview", "2026-11-18T13:10:00Z"),
    at("hal", "pageview", "2026-11-18T13:30:00Z"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tenant.readKey}`, ...headers },
    body: JSON.stringify({ project_id: tenant.projectId, ...(body as object) }),
  });
}

const at = { "x-lumen-test-now": NOW };

describe("the request's clock", () => {
  it("decides what today is and how much of yesterday compares with it", async () => {
    const response = await post({ query: { kind: "metric", event: "pageview" }, range: { relative: "today" } }, at);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown; meta: { range: unknown } };
    expect(body.meta.range).toEqual({ from: "2026-11-17T23:00:00.000Z", to: "2026-11-18T23:00:00.000Z" });
    expect(body.data).toMatchObject({
      value: 3,
      previous: 2,
      change: 0.5,
      change_unit: "relative",
      previous_range: { from: "2026-11-16T23:00:00.000Z", to: "2026-11-17T13:37:00.000Z" },
    });
  });

  it("leaves the hours to come blank and adds the previous period on request", async () => {
    const response = await post(
      { query: { kind: "trend", event: "pageview", interval: "hour", compare: true }, range: { relative: "today" } },
      at,
    );
    const { data } = (await response.json()) as {
      data: { series: { values: (number | null)[] }[]; previous: { series: { values: number[]; total: number }[] } };
    };
    expect(data.series[0]!.values.slice(13, 16)).toEqual([0, 2, null]);
    expect(data.previous.series[0]!.values.slice(13, 17)).toEqual([1, 0, 0, 1]);
    expect(data.previous.series[0]!.total).toBe(3);
  });

  it("holds for a report's data too", async () => {
    const report = await getPrisma().report.create({
      data: {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        name: "Today",
        widgets: {
          create: [{ title: "Pageviews", query: { kind: "metric", event: "pageview", range: { relative: "today" } } }],
        },
      },
    });
    const response = await fetch(`${testBaseUrl()}/api/v1/reports/${report.id}/data`, {
      headers: { authorization: `Bearer ${tenant.readKey}`, ...at },
    });
    const body = (await response.json()) as { widgets: { data: unknown }[] };
    expect(body.widgets[0]!.data).toMatchObject({ value: 3, previous: 2 });
  });

  it("is refused when it is not an instant", async () => {
    const response = await post({ query: { kind: "metric" } }, { "x-lumen-test-now": "yesterday" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});

describe("conversion filters over HTTP", () => {
  const days = { from: "2026-11-17", to: "2026-11-18" };
  const signedUp = { field: "performed", op: "equals", value: "signup" };

  it("keep the visitors who did the event, with their conversion rate", async () => {
    const pageviews = await post({ query: { kind: "metric", event: "pageview", filters: [signedUp] }, range: days });
    expect(((await pageviews.json()) as { data: { value: number } }).data.value).toBe(1);
    const rate = await post({
      query: { kind: "metric", measure: { type: "conversion_rate" }, filters: [signedUp] },
      range: days,
    });
    // ben, of ann, ben, dan, fay, gus and hal.
    expect(((await rate.json()) as { data: { value: number } }).data.value).toBeCloseTo(1 / 6, 12);
  });

  it("are a 400 naming the field when malformed, and conversion_rate needs one", async () => {
    const badOp = await post({
      query: { kind: "metric", filters: [{ field: "performed", op: "contains", value: "x" }] },
    });
    expect(badOp.status).toBe(400);
    const body = (await badOp.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((d) => d.path)).toContain("query.filters[0].op");
    const noTarget = await post({ query: { kind: "metric", measure: { type: "conversion_rate" } } });
    expect(noTarget.status).toBe(400);
    expect(((await noTarget.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(
      "query.measure",
    );
  });

  it("may be locked in an embed", async () => {
    const admin = await createMember(tenant.organizationId, "admin");
    const report = await getPrisma().report.create({
      data: {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        name: "Converted",
        widgets: {
          create: [{ title: "Pageviews", query: { kind: "metric", event: "pageview" }, viz: { type: "metric" } }],
        },
      },
    });
    const embed = await createEmbed(
      { userId: admin.id },
      { report_id: report.id, params: { range: days, filters: [signedUp] } },
      testBaseUrl(),
    );
    const response = await fetch(`${testBaseUrl()}/api/v1/embed/${embed.token}/data`);
    expect(response.status).toBe(200);
    const { widgets } = (await response.json()) as { widgets: { result: { value: number } }[] };
    expect(widgets[0]!.result.value).toBe(1);
  });
});
