// The vitals and errors kinds over real HTTP: events through the ingestion API, answers through the
// query API for the organization's read key only, bad definitions refused with a 400, and both kinds
// as embed widgets with the token's locks applied.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, daysAgoAt, heldClock, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import { signEmbedToken } from "../embed/tokens";
import type { ErrorsResult, VitalsResult } from "./results";

let tenant: Tenant & { readKey: string };
let other: { readKey: string };
let reportId: string;
/** "Today" for every request: noon UTC yesterday, held on the server, with the events at 10:00. */
const now = daysAgoAt(1, 12);

const page = (path: string) => ({ page: { url: `https://shop.example${path}` } });

beforeAll(async () => {
  tenant = { ...(await createTenant()), readKey: "" };
  tenant.readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "r" })).key;
  const stranger = await createTenant();
  other = { readKey: (await createApiKey({ organizationId: stranger.organizationId, kind: "read", name: "r" })).key };
  const timestamp = new Date(now.getTime() - 2 * 3_600_000).toISOString();
  const response = await postEvents(
    {
      events: [
        { name: "web_vitals", properties: { lcp: 1200, cls: 0.02, inp: 80 }, context: page("/") },
        { name: "web_vitals", properties: { lcp: 4800, cls: 0.4, inp: 700 }, context: page("/") },
        { name: "web_vitals", properties: { lcp: 2000 }, context: page("/pricing") },
        {
          name: "js_error",
          properties: {
            kind: "error",
            message: "Cart 17 is empty",
            top_frame: "at cart (https://shop.example/a.js:1:2)",
          },
          context: page("/cart"),
        },
        {
          name: "js_error",
          properties: {
            kind: "error",
            message: "Cart 18 is empty",
            top_frame: "at cart (https://shop.example/a.js:1:2)",
          },
          context: page("/"),
        },
      ].map((event) => ({ ...event, timestamp })),
    },
    { key: tenant.writeKey },
  );
  expect(response.status).toBe(202);
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Monitoring",
      widgets: {
        create: [
          { title: "Vitals", query: { kind: "vitals", group_by: "page" }, viz: { type: "vitals" }, gridY: 0 },
          { title: "Errors", query: { kind: "errors" }, viz: { type: "errors" }, gridY: 1 },
        ],
      },
    },
  });
  reportId = report.id;
});

afterAll(async () => {
  await closeDatabase();
});

function query(body: Record<string, unknown>, key: string) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...heldClock(now) },
    body: JSON.stringify({ project_id: tenant.projectId, range: { relative: "today" }, timezone: "UTC", ...body }),
  });
}

describe("POST /api/v1/query", () => {
  it("answers vitals per page and errors by fingerprint", async () => {
    const vitals = await query({ query: { kind: "vitals", group_by: "page" } }, tenant.readKey);
    expect(vitals.status).toBe(200);
    const { data } = (await vitals.json()) as { data: VitalsResult };
    expect(data.rows.map((row) => [row.value, row.samples, row.metrics.lcp?.p50])).toEqual([
      ["/", 2, 3000],
      ["/pricing", 1, 2000],
    ]);
    expect(data.rows[0]!.metrics.cls).toMatchObject({ good: 0.5, needs_improvement: 0, poor: 0.5 });

    const errors = await query({ query: { kind: "errors" } }, tenant.readKey);
    expect(errors.status).toBe(200);
    const body = (await errors.json()) as { data: ErrorsResult };
    expect(body.data.groups.map((group) => group.count)).toEqual([2]);
  });

  it("is another organization's project to other read keys", async () => {
    expect((await query({ query: { kind: "vitals" } }, other.readKey)).status).toBe(404);
    expect((await query({ query: { kind: "errors" } }, other.readKey)).status).toBe(404);
  });

  it("refuses bad definitions with a 400 naming the field", async () => {
    for (const bad of [
      { kind: "vitals", group_by: "country" },
      { kind: "vitals", limit: 1000 },
      { kind: "errors", interval: "minute" },
      { kind: "errors", limit: -1 },
    ]) {
      const response = await query({ query: bad }, tenant.readKey);
      expect(response.status, JSON.stringify(bad)).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } };
      expect(error.code).toBe("invalid_request");
      expect(error.details[0]!.path).toMatch(/^query\./);
    }
  });
});

describe("embeds", () => {
  it("show vitals and errors widgets with the token's locks", async () => {
    const secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
    const token = await signEmbedToken(
      tenant.projectId,
      secret,
      {
        resource: { type: "report", id: reportId },
        params: {
          filters: [{ field: "path", op: "equals", value: "/" }],
          range: { relative: "today" },
          timezone: "UTC",
        },
      },
      new Date(Date.now() + 3_600_000),
    );
    const response = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data`, { headers: heldClock(now) });
    expect(response.status).toBe(200);
    const { widgets } = (await response.json()) as {
      widgets: { title: string; result: VitalsResult | ErrorsResult }[];
    };
    const vitals = widgets.find((w) => w.title === "Vitals")!.result as VitalsResult;
    expect(vitals.rows.map((row) => row.value)).toEqual(["/"]);
    const errors = widgets.find((w) => w.title === "Errors")!.result as ErrorsResult;
    expect(errors.total.count).toBe(1);
  });
});
