// The paths kind over real HTTP: events through the ingestion API, the flow through the query API
// for the organization's read key only, bad definitions refused with a 400 naming the field, a
// range over the budget with a 422, and a paths widget in an embed (its data and its CSV).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, daysAgoAt, heldClock, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import { signEmbedToken } from "../embed/tokens";
import type { PathsResult } from "./results";

let tenant: Tenant & { readKey: string };
let other: { readKey: string };
let reportId: string;
let widgetId: string;
/** "Today" for every request: noon UTC yesterday, held on the server, with the events at 10:00. */
const now = daysAgoAt(1, 12);

beforeAll(async () => {
  tenant = { ...(await createTenant()), readKey: "" };
  tenant.readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "r" })).key;
  const stranger = await createTenant();
  other = { readKey: (await createApiKey({ organizationId: stranger.organizationId, kind: "read", name: "r" })).key };
  const start = now.getTime() - 2 * 3_600_000;
  const step = (session: string, name: string, path: string, second: number) => ({
    name,
    session_id: session,
    anonymous_id: `visitor-${session}`,
    timestamp: start + second * 1000,
    context: { page: { url: `https://shop.example${path}` } },
  });
  const response = await postEvents(
    {
      events: [
        step("p1", "pageview", "/", 0),
        step("p1", "pageview", "/pricing", 1),
        step("p1", "pageview", "/pricing", 2),
        step("p1", "signup", "/signup", 3),
        step("p2", "pageview", "/", 0),
        step("p2", "pageview", "/docs", 1),
      ],
    },
    { key: tenant.writeKey },
  );
  expect(response.status).toBe(202);
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Paths",
      widgets: {
        create: [
          {
            title: "From home",
            query: { kind: "paths", start: { page: "/" }, steps: 2 },
            viz: { type: "sankey" },
            gridY: 0,
          },
        ],
      },
    },
    include: { widgets: true },
  });
  reportId = report.id;
  widgetId = report.widgets[0]!.id;
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

describe("POST /api/v1/query with kind paths", () => {
  it("answers the steps after a start, repeats collapsed", async () => {
    const response = await query({ query: { kind: "paths", start: { page: "/" }, steps: 2 } }, tenant.readKey);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: PathsResult };
    expect(data.steps.map((s) => [s.position, s.count, s.nodes.map((n) => n.value)])).toEqual([
      [0, 2, ["/"]],
      [1, 2, ["/docs", "/pricing"]],
      [2, 1, ["signup"]],
    ]);
    expect(data.steps[1]!.drop_off).toBe(1);
  });

  it("answers the steps leading to an end event", async () => {
    const response = await query({ query: { kind: "paths", end: { event: "signup" }, steps: 2 } }, tenant.readKey);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: PathsResult };
    expect(data.mode).toBe("end");
    expect(data.steps.map((s) => s.nodes.map((n) => n.value))).toEqual([["/"], ["/pricing"], ["signup"]]);
  });

  it("is another organization's project to other read keys", async () => {
    const response = await query({ query: { kind: "paths", start: { page: "/" } } }, other.readKey);
    expect(response.status).toBe(404);
  });

  it("refuses bad definitions with a 400 naming the field", async () => {
    for (const [bad, path] of [
      [{ kind: "paths" }, "query.start"],
      [{ kind: "paths", start: { page: "/" }, end: { event: "signup" } }, "query.end"],
      [{ kind: "paths", start: { page: "/" }, steps: 11 }, "query.steps"],
      [{ kind: "paths", start: { page: "/" }, steps: 2.5 }, "query.steps"],
      [{ kind: "paths", start: { page: "/" }, limit: 21 }, "query.limit"],
      [{ kind: "paths", start: { page: "" } }, "query.start"],
      [{ kind: "paths", start: { screen: "home" } }, "query.start"],
      [{ kind: "paths", end: { event: "x".repeat(201) } }, "query.end"],
    ] as const) {
      const response = await query({ query: bad }, tenant.readKey);
      expect(response.status, JSON.stringify(bad)).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } };
      expect(error.code).toBe("invalid_request");
      expect(
        error.details.map((d) => d.path).some((p) => p.startsWith(path)),
        JSON.stringify(error),
      ).toBe(true);
    }
  });

  it("refuses a range over the paths budget with a 422 naming the limit", async () => {
    const response = await query(
      { query: { kind: "paths", start: { page: "/" } }, range: { from: "2026-01-01", to: "2026-06-30" } },
      tenant.readKey,
    );
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("query_too_expensive");
    expect(error.message).toMatch(/92 days/);
  });
});

describe("embeds", () => {
  it("show a paths widget, and download it as CSV", async () => {
    const secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
    const token = await signEmbedToken(
      tenant.projectId,
      secret,
      {
        resource: { type: "report", id: reportId },
        params: { range: { relative: "today" }, timezone: "UTC" },
        downloads: true,
      },
      new Date(Date.now() + 3_600_000),
    );
    const response = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data`, { headers: heldClock(now) });
    expect(response.status).toBe(200);
    const { widgets } = (await response.json()) as { widgets: { title: string; result: PathsResult }[] };
    const flow = widgets.find((w) => w.title === "From home")!.result;
    expect(flow.steps.map((s) => s.count)).toEqual([2, 2, 1]);

    const csv = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/csv?widget=${widgetId}`, {
      headers: heldClock(now),
    });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split("\n")).toEqual([
      "Position,Type,Page or event,Sessions,Ended here,Step sessions",
      "0,page,/,2,0,2",
      "1,page,/docs,1,1,2",
      "1,page,/pricing,1,0,2",
      "2,event,signup,1,1,1",
      "",
    ]);
  });
});
