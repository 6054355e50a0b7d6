// A report's layout over real HTTP: new widgets are placed across the full width, every change of
// positions leaves a layout without overlaps, bad layouts get a 400 in the one error shape, and only
// analysts and above of the report's own organization may change it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMember, createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { closeDatabase, getPrisma } from "../db/client";
import { findOverlap, type Placed } from "./layout";

let tenant: Tenant;
let analyst: string;
let viewer: string;
let outsider: string;

beforeAll(async () => {
  tenant = await createTenant();
  const other = await createTenant();
  const sign = async (organizationId: string, role: "analyst" | "viewer" | "owner") => {
    const member = await createMember(organizationId, role, "layout-password-123");
    return signInOverHttp(member.email, member.password);
  };
  [analyst, viewer, outsider] = await Promise.all([
    sign(tenant.organizationId, "analyst"),
    sign(tenant.organizationId, "viewer"),
    sign(other.organizationId, "owner"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

function call(path: string, cookie: string | null, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${testBaseUrl()}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function newReport(): Promise<string> {
  const response = await call(`/api/v1/projects/${tenant.projectId}/reports`, analyst, {
    body: { name: `Layout ${randomUUID().slice(0, 6)}` },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function addWidget(reportId: string, title: string, viz = "line", grid?: object): Promise<string> {
  const query = viz === "metric" ? { kind: "metric" } : { kind: "trend", interval: "day" };
  const response = await call(`/api/v1/reports/${reportId}/widgets`, analyst, {
    body: { title, query, viz: { type: viz }, ...(grid ? { grid } : {}) },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function layoutOf(reportId: string): Promise<Placed[]> {
  const widgets = await getPrisma().widget.findMany({
    where: { reportId },
    orderBy: [{ gridY: "asc" }, { gridX: "asc" }],
  });
  return widgets.map((w) => ({ id: w.title, grid: { x: w.gridX, y: w.gridY, w: w.gridW, h: w.gridH } }));
}

const grids = async (reportId: string) => Object.fromEntries((await layoutOf(reportId)).map((p) => [p.id, p.grid]));

it("places new widgets after the last one, beside it when the row has room, and a copy right after its original", async () => {
  const reportId = await newReport();
  await addWidget(reportId, "chart 1");
  const second = await addWidget(reportId, "chart 2");
  await addWidget(reportId, "metric 1", "metric");
  await addWidget(reportId, "metric 2", "metric");
  expect(await grids(reportId)).toEqual({
    "chart 1": { x: 0, y: 0, w: 6, h: 4 },
    "chart 2": { x: 6, y: 0, w: 6, h: 4 },
    "metric 1": { x: 0, y: 4, w: 3, h: 2 },
    "metric 2": { x: 3, y: 4, w: 3, h: 2 },
  });

  expect((await call(`/api/v1/widgets/${second}/duplicate`, analyst, { body: {} })).status).toBe(201);
  expect((await layoutOf(reportId)).map((p) => p.id)).toEqual([
    "chart 1",
    "chart 2",
    "chart 2 (copy)",
    "metric 1",
    "metric 2",
  ]);
  expect(findOverlap(await layoutOf(reportId))).toBeNull();

  // Deleting closes the gap; a widget given a grid goes to that place in the order.
  expect((await call(`/api/v1/widgets/${second}`, analyst, { method: "DELETE" })).status).toBe(204);
  expect((await grids(reportId))["chart 2 (copy)"]).toEqual({ x: 6, y: 0, w: 6, h: 4 });
  await addWidget(reportId, "wide first", "line", { x: 0, y: 0, w: 12, h: 2 });
  const after = await layoutOf(reportId);
  expect(after.map((p) => p.id)).toEqual(["wide first", "chart 1", "chart 2 (copy)", "metric 1", "metric 2"]);
  expect(findOverlap(after)).toBeNull();
});

it("puts a new widget in the first free slot of the grid: the gap beside a metric before a full-width chart", async () => {
  const reportId = await newReport();
  await addWidget(reportId, "metric 1", "metric");
  await addWidget(reportId, "wide", "line", { x: 0, y: 2, w: 12, h: 4 });
  await addWidget(reportId, "metric 2", "metric");
  // A chart is taller than the gap left beside the metrics: it goes below the wide one, moving nothing.
  await addWidget(reportId, "chart", "line");
  expect(await grids(reportId)).toEqual({
    "metric 1": { x: 0, y: 0, w: 3, h: 2 },
    "metric 2": { x: 3, y: 0, w: 3, h: 2 },
    wide: { x: 0, y: 2, w: 12, h: 4 },
    chart: { x: 0, y: 6, w: 6, h: 4 },
  });
});

it("saves a layout, packs in widgets it leaves out, and refuses overlapping or malformed ones with a 400", async () => {
  const reportId = await newReport();
  const a = await addWidget(reportId, "a");
  const b = await addWidget(reportId, "b");
  const c = await addWidget(reportId, "c");
  const put = (cookie: string | null, widgets: unknown) =>
    call(`/api/v1/reports/${reportId}/layout`, cookie, { method: "PUT", body: { widgets } });

  expect(
    (
      await put(analyst, [
        { id: c, grid: { x: 0, y: 0, w: 12, h: 3 } },
        { id: a, grid: { x: 0, y: 3, w: 6, h: 4 } },
      ])
    ).status,
  ).toBe(204);
  // b was left out: it keeps its place (row 0) in the reading order, packed in without overlapping.
  const saved = await layoutOf(reportId);
  expect(saved.map((p) => p.id)).toEqual(["c", "b", "a"]);
  expect(findOverlap(saved)).toBeNull();

  for (const [widgets, path] of [
    [
      [
        { id: a, grid: { x: 0, y: 0, w: 6, h: 4 } },
        { id: b, grid: { x: 3, y: 2, w: 6, h: 4 } },
      ],
      "widgets",
    ],
    [[{ id: a, grid: { x: 8, y: 0, w: 6, h: 4 } }], "widgets[0].grid.w"],
    [
      [
        { id: a, grid: { x: 0, y: 0, w: 6, h: 4 } },
        { id: a, grid: { x: 6, y: 0, w: 6, h: 4 } },
      ],
      "widgets",
    ],
    [[{ id: a, grid: { x: 0, y: 0, w: 0, h: 4 } }], "widgets[0].grid.w"],
    [[{ id: randomUUID(), grid: { x: 0, y: 0, w: 6, h: 4 } }], undefined],
  ] as const) {
    const response = await put(analyst, widgets);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details?: { path: string }[] } };
    expect(body.error.code).toBe("invalid_request");
    if (path) expect(body.error.details?.map((d) => d.path)).toContain(path);
  }
  expect(await layoutOf(reportId)).toEqual(saved);
});

it("lets only analysts and above of the report's organization change its layout or widgets", async () => {
  const reportId = await newReport();
  const a = await addWidget(reportId, "a");
  const before = await layoutOf(reportId);
  const layout = { widgets: [{ id: a, grid: { x: 6, y: 0, w: 6, h: 4 } }] };

  const cases = [
    [null, 401, "unauthorized"],
    [viewer, 403, "forbidden"],
    [outsider, 404, "not_found"],
  ] as const;
  for (const [cookie, status, code] of cases) {
    for (const response of [
      await call(`/api/v1/reports/${reportId}/layout`, cookie, { method: "PUT", body: layout }),
      await call(`/api/v1/reports/${reportId}/widgets`, cookie, {
        body: { title: "x", query: { kind: "metric" }, viz: { type: "metric" } },
      }),
      await call(`/api/v1/widgets/${a}`, cookie, { method: "PATCH", body: { grid: { x: 6, y: 0, w: 6, h: 4 } } }),
      await call(`/api/v1/widgets/${a}/duplicate`, cookie, { body: {} }),
      await call(`/api/v1/widgets/${a}`, cookie, { method: "DELETE" }),
    ]) {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code } });
    }
  }
  expect(await layoutOf(reportId)).toEqual(before);
});
