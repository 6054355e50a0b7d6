// Expensive queries over real HTTP against the built app: every route that runs report queries
// checks the cost budget before running (a coarser trend interval in meta, or 422
// query_too_expensive naming the limit), and refuses dates outside 1970-2100 with a 400, never a 500.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import { createEmbed } from "../embed/issue";
import { ensureUserWithRole } from "../workspace/workspace";

let tenant: Tenant;
let readKey: string;
let trendReportId: string;
let retentionReportId: string;
let trendEmbed: string;
let retentionEmbed: string;
let trendWidgetId: string;

const TEN_YEARS = { from: "2016-01-01", to: "2025-12-31" };

beforeAll(async () => {
  tenant = await createTenant();
  readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" })).key;
  const adminId = (
    await ensureUserWithRole(
      tenant.organizationId,
      { email: `admin-${randomUUID().slice(0, 8)}@example.com`, password: "admin-password" },
      "admin",
    )
  ).id;
  const report = (name: string, widget: { title: string; query: object }) =>
    getPrisma().report.create({
      data: {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        name,
        widgets: { create: [{ ...widget, viz: { type: "line" }, gridY: 0 }] },
      },
      include: { widgets: true },
    });
  const trend = await report("Hourly", {
    title: "Pageviews by hour",
    query: { kind: "trend", event: "pageview", interval: "hour" },
  });
  const retention = await report("Daily retention", {
    title: "Come back daily",
    query: { kind: "retention", start_event: "signup", return_event: "pageview", period: "day" },
  });
  trendReportId = trend.id;
  trendWidgetId = trend.widgets[0]!.id;
  retentionReportId = retention.id;
  const embed = (reportId: string) =>
    createEmbed(
      { userId: adminId },
      { report_id: reportId, editable: ["range", "country"], downloads: true, expires_in: 3600 },
      testBaseUrl(),
    );
  trendEmbed = (await embed(trend.id)).token;
  retentionEmbed = (await embed(retention.id)).token;
});

afterAll(async () => {
  await closeDatabase();
});

function query(body: object) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${readKey}` },
    body: JSON.stringify({ project_id: tenant.projectId, timezone: "UTC", ...body }),
  });
}

const get = (path: string) => fetch(`${testBaseUrl()}${path}`, { headers: { authorization: `Bearer ${readKey}` } });

async function errorOf(response: Response) {
  return (
    (await response.json()) as {
      error: { code: string; message: string; details?: { path: string; message: string }[] };
    }
  ).error;
}

interface TrendAnswer {
  data: { interval: string; buckets: unknown[] };
  meta: { interval_adjusted?: { requested: string; used: string; reason: string } };
}

describe("POST /api/v1/query: the cost budget", () => {
  it("answers an hourly trend over ten years by week, and says so in meta", async () => {
    const response = await query({ query: { kind: "trend", event: "pageview", interval: "hour" }, range: TEN_YEARS });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TrendAnswer;
    expect(body.data.interval).toBe("week");
    expect(body.data.buckets.length).toBeLessThanOrEqual(1_000);
    expect(body.meta.interval_adjusted).toMatchObject({ requested: "hour", used: "week" });
    expect(body.meta.interval_adjusted?.reason).toMatch(/limit of 1,000 buckets per series/);
  });

  it("leaves a trend within budget alone", async () => {
    const body = (await (
      await query({ query: { kind: "trend", interval: "hour" }, range: { relative: "last_7_days" } })
    ).json()) as TrendAnswer;
    expect(body.data.interval).toBe("hour");
    expect(body.meta.interval_adjusted).toBeUndefined();
  });

  it("refuses a range over ten years with 422 query_too_expensive naming the limit", async () => {
    const response = await query({
      query: { kind: "retention", start_event: "signup", return_event: "pageview", period: "day" },
      range: { from: "1971-01-01", to: "2099-12-31" },
    });
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe("query_too_expensive");
    expect(error.message).toMatch(/over the limit of 3,660 days/);
  });

  it("refuses daily retention with more cohorts than the limit", async () => {
    const response = await query({
      query: { kind: "retention", start_event: "signup", return_event: "pageview", period: "day" },
      range: TEN_YEARS,
    });
    expect(response.status).toBe(422);
    expect(await errorOf(response)).toMatchObject({
      code: "query_too_expensive",
      message: expect.stringMatching(/limit of 1,000 cohorts/),
    });
  });

  it("refuses a huge funnel window, naming the limit", async () => {
    const response = await query({
      query: { kind: "funnel", steps: [{ event: "a" }, { event: "b" }], window: { value: 10_000, unit: "day" } },
      range: { relative: "last_30_days" },
    });
    expect(response.status).toBe(422);
    expect(await errorOf(response)).toMatchObject({
      code: "query_too_expensive",
      details: [{ path: "query.window", message: expect.stringMatching(/limit of 365 days/) }],
    });
  });

  it("refuses many steps over a long range and window (steps x window)", async () => {
    const steps = Array.from({ length: 10 }, (_, i) => ({ event: `step-${i}` }));
    const response = await query({
      query: { kind: "funnel", steps, window: { value: 365, unit: "day" } },
      range: { from: "2020-01-01", to: "2022-12-31" },
    });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toMatch(/days of events to read, over the limit of 10,000/);
  });

  it("refuses a huge breakdown limit with 400 naming the maximum, and coarsens a wide breakdown trend", async () => {
    const huge = await query({
      query: { kind: "trend", interval: "hour", breakdown: { dimension: "path", limit: 1_000_000 } },
      range: { relative: "last_90_days" },
    });
    expect(huge.status).toBe(400);
    expect(await errorOf(huge)).toMatchObject({
      code: "invalid_request",
      details: [{ path: "query.breakdown.limit", message: expect.stringMatching(/100/) }],
    });
    const wide = (await (
      await query({
        query: { kind: "trend", interval: "day", breakdown: { dimension: "path", limit: 100 } },
        range: { from: "2025-01-01", to: "2025-12-31" },
      })
    ).json()) as TrendAnswer;
    expect(wide.meta.interval_adjusted).toMatchObject({
      requested: "day",
      used: "week",
      reason: expect.stringMatching(/101 series .* 20,000 buckets x series/),
    });
  });
});

const outOfRange = [
  { from: "0000-01-01", to: "2020-01-01", path: "range.from" },
  { from: "0001-01-01", to: "9999-12-31", path: "range.from" },
  { from: "2020-01-01", to: "9999-12-31", path: "range.to" },
  { from: "1969-12-31", to: "2020-01-01", path: "range.from" },
  { from: "2020-01-01", to: "2101-01-01", path: "range.to" },
  { from: "0000-01-01T00:00:00Z", to: "2020-01-01T00:00:00Z", path: "range.from" },
  { from: "2020-01-01T00:00:00Z", to: "9999-12-31T23:59:59Z", path: "range.to" },
];

describe("dates outside 1970-01-01..2100-12-31 are a 400", () => {
  it.each(outOfRange)("POST /api/v1/query from $from to $to", async ({ from, to, path }) => {
    const response = await query({ query: { kind: "trend", interval: "hour" }, range: { from, to } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "invalid_request",
      details: expect.arrayContaining([{ path, message: "must be between 1970-01-01 and 2100-12-31" }]),
    });
  });

  it("in the query definition's own range, and for offsets no time zone has", async () => {
    const inQuery = await query({ query: { kind: "metric", range: { from: "0000-01-01", to: "2020-01-01" } } });
    expect(await errorOf(inQuery)).toMatchObject({ code: "invalid_request", details: [{ path: "query.range.from" }] });
    const offset = await query({
      query: { kind: "metric" },
      range: { from: "2020-01-01T00:00:00+15:00", to: "2020-02-01T00:00:00Z" },
    });
    expect(offset.status).toBe(400);
    expect((await errorOf(offset)).message).toMatch(/UTC offset between -12:00 and \+14:00/);
  });

  it("a time zone Node knows but PostgreSQL does not is a 400 too, also with offset-carrying edges", async () => {
    const response = await query({
      query: { kind: "trend", interval: "day" },
      timezone: "US/Pacific-New",
      range: { from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z" },
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "invalid_request",
      details: [{ path: "range", message: "cannot be resolved in this time zone" }],
    });
  });

  it.each(outOfRange.slice(0, 3))("GET /api/v1/reports/{id}/data from $from to $to", async ({ from, to }) => {
    const response = await get(`/api/v1/reports/${trendReportId}/data?from=${from}&to=${to}`);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/between 1970-01-01 and 2100-12-31/);
  });

  it("GET /api/v1/embed/{token}/data, /values, /csv and /stream with a year-0000 range", async () => {
    for (const path of ["data?", "values?field=country&", `csv?widget=${trendWidgetId}&`, "stream?"]) {
      const response = await fetch(`${testBaseUrl()}/api/v1/embed/${trendEmbed}/${path}from=0000-01-01&to=9999-12-31`);
      expect(response.status, path).toBe(400);
      expect((await errorOf(response)).message, path).toMatch(/between 1970-01-01 and 2100-12-31/);
    }
  });

  it("the embed page ignores such a range (its choices are lenient) rather than failing", async () => {
    const response = await fetch(`${testBaseUrl()}/embed/${trendEmbed}?from=0000-01-01&to=9999-12-31`);
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain('data-testid="embed-error"');
  });
});

describe("reports and embeds: the same budget", () => {
  it("GET /api/v1/reports/{id}/data coarsens an hourly widget over ten years, and names a refused widget", async () => {
    const coarse = await get(`/api/v1/reports/${trendReportId}/data?from=${TEN_YEARS.from}&to=${TEN_YEARS.to}&tz=UTC`);
    expect(coarse.status).toBe(200);
    const body = (await coarse.json()) as { widgets: (TrendAnswer & { title: string })[] };
    expect(body.widgets[0]).toMatchObject({
      title: "Pageviews by hour",
      data: { interval: "week" },
      meta: { interval_adjusted: { requested: "hour", used: "week" } },
    });
    const refused = await get(`/api/v1/reports/${retentionReportId}/data?from=${TEN_YEARS.from}&to=${TEN_YEARS.to}`);
    expect(refused.status).toBe(422);
    const error = await errorOf(refused);
    expect(error).toMatchObject({ code: "query_too_expensive", details: [{ path: "widgets[0].range" }] });
    expect(error.message).toMatch(/^Widget "Come back daily": .*limit of 1,000 cohorts/);
  });

  it("embed data, values and CSV: coarser trends, refused retention, for a viewer's long range", async () => {
    const range = `from=${TEN_YEARS.from}&to=${TEN_YEARS.to}`;
    const trend = await fetch(`${testBaseUrl()}/api/v1/embed/${trendEmbed}/data?${range}`);
    expect(trend.status).toBe(200);
    expect(((await trend.json()) as { widgets: { result: { interval: string } }[] }).widgets[0]!.result.interval).toBe(
      "week",
    );
    const csv = await fetch(`${testBaseUrl()}/api/v1/embed/${trendEmbed}/csv?widget=${trendWidgetId}&${range}`);
    expect(csv.status).toBe(200);
    expect(
      (await fetch(`${testBaseUrl()}/api/v1/embed/${trendEmbed}/values?field=country&from=1971-01-01&to=2099-12-31`))
        .status,
    ).toBe(422);
    const retention = await fetch(`${testBaseUrl()}/api/v1/embed/${retentionEmbed}/data?${range}`);
    expect(retention.status).toBe(422);
    expect((await errorOf(retention)).message).toMatch(/limit of 1,000 cohorts/);
  });

  it("the embed page says why instead of failing", async () => {
    const response = await fetch(`${testBaseUrl()}/embed/${retentionEmbed}?from=${TEN_YEARS.from}&to=${TEN_YEARS.to}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-testid="embed-error"');
    expect(html).toMatch(/limit of 1,000 cohorts/);
  });
});
