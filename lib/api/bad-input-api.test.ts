// Bad input over real HTTP against the built app: every kind is a 4xx with the one error shape, on
// every route family, never a 500. Ids that are not UUIDs (404), percent-escapes that do not decode
// (400), text PostgreSQL cannot store (400), bodies nested hundreds of thousands deep (400), embed
// tokens whose kid is not a UUID (401). Ingestion's per-event rejections: lib/ingest/ingest-bad-input-api.test.ts.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";

let tenant: Tenant;
let owner: SignedInMember;
let readKey: string;
let adminKey: string;
let ids: { projectId: string; reportId: string; widgetId: string; keyId: string; userId: string; tokenId: string };
let embedToken: string;

const widgetBody = (filterValue: string = "/pricing") => ({
  title: "Visits",
  viz: { type: "line" },
  query: { kind: "trend", event: "pageview", filters: [{ field: "path", op: "equals", value: filterValue }] },
});

function send(
  method: string,
  path: string,
  init: { cookie?: string; bearer?: string; body?: unknown; raw?: string } = {},
): Promise<Response> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return fetch(`${testBaseUrl()}${path}`, {
    method,
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body,
  });
}

async function expectError(
  response: Response,
  status: number,
  code: string,
): Promise<{ code: string; message: string }> {
  const text = await response.text();
  expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status });
  const { error } = JSON.parse(text) as { error: { code: string; message: string } };
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  return error;
}

beforeAll(async () => {
  tenant = await createTenant();
  owner = await signedInMember(tenant.organizationId, "owner");
  readKey = (
    await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "read",
      name: "read",
    })
  ).key;
  adminKey = (
    await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "admin",
      name: "admin",
    })
  ).key;
  const report = (await (
    await send("POST", `/api/v1/projects/${tenant.projectId}/reports`, {
      cookie: owner.cookie,
      body: { name: "Traffic" },
    })
  ).json()) as { id: string };
  const widget = (await (
    await send("POST", `/api/v1/reports/${report.id}/widgets`, { cookie: owner.cookie, body: widgetBody() })
  ).json()) as { id: string };
  const embed = await send("POST", "/api/v1/embeds", {
    bearer: adminKey,
    body: { report_id: report.id, editable: ["range", "country"], downloads: true, expires_in: 3600 },
  });
  expect(embed.status).toBe(201);
  const created = (await embed.json()) as { id: string; token: string };
  embedToken = created.token;
  ids = {
    projectId: tenant.projectId,
    reportId: report.id,
    widgetId: widget.id,
    keyId: tenant.writeKeyId,
    userId: owner.userId,
    tokenId: created.id,
  };
});

afterAll(async () => {
  await closeDatabase();
});

describe("ids that are not UUIDs", () => {
  type Ids = typeof ids;
  // Every app route with an id in its path; each id is replaced in turn.
  const routes: { method: string; path: (i: Ids) => string; params: (keyof Ids)[]; body?: unknown }[] = [
    { method: "GET", path: (i) => `/api/v1/projects/${i.projectId}/settings`, params: ["projectId"] },
    {
      method: "PATCH",
      path: (i) => `/api/v1/projects/${i.projectId}/settings`,
      params: ["projectId"],
      body: { name: "Renamed" },
    },
    { method: "GET", path: (i) => `/api/v1/projects/${i.projectId}/reports`, params: ["projectId"] },
    {
      method: "POST",
      path: (i) => `/api/v1/projects/${i.projectId}/reports`,
      params: ["projectId"],
      body: { name: "New" },
    },
    { method: "GET", path: (i) => `/api/v1/projects/${i.projectId}/stream`, params: ["projectId"] },
    {
      method: "POST",
      path: (i) => `/api/v1/projects/${i.projectId}/keys`,
      params: ["projectId"],
      body: { name: "k", kind: "read" },
    },
    {
      method: "DELETE",
      path: (i) => `/api/v1/projects/${i.projectId}/keys/${i.keyId}`,
      params: ["projectId", "keyId"],
    },
    {
      method: "POST",
      path: (i) => `/api/v1/projects/${i.projectId}/members`,
      params: ["projectId"],
      body: { email: "someone@example.com", role: "viewer" },
    },
    {
      method: "DELETE",
      path: (i) => `/api/v1/projects/${i.projectId}/members/${i.userId}`,
      params: ["projectId", "userId"],
    },
    {
      method: "DELETE",
      path: (i) => `/api/v1/projects/${i.projectId}/embeds/${i.tokenId}`,
      params: ["projectId", "tokenId"],
    },
    { method: "GET", path: (i) => `/api/v1/reports/${i.reportId}`, params: ["reportId"] },
    { method: "PATCH", path: (i) => `/api/v1/reports/${i.reportId}`, params: ["reportId"], body: { name: "Renamed" } },
    { method: "DELETE", path: (i) => `/api/v1/reports/${i.reportId}`, params: ["reportId"] },
    { method: "GET", path: (i) => `/api/v1/reports/${i.reportId}/data`, params: ["reportId"] },
    { method: "PUT", path: (i) => `/api/v1/reports/${i.reportId}/layout`, params: ["reportId"], body: { widgets: [] } },
    { method: "POST", path: (i) => `/api/v1/reports/${i.reportId}/widgets`, params: ["reportId"], body: widgetBody() },
    { method: "PATCH", path: (i) => `/api/v1/widgets/${i.widgetId}`, params: ["widgetId"], body: { title: "Renamed" } },
    { method: "DELETE", path: (i) => `/api/v1/widgets/${i.widgetId}`, params: ["widgetId"] },
    { method: "POST", path: (i) => `/api/v1/widgets/${i.widgetId}/duplicate`, params: ["widgetId"] },
  ];
  const badIds = ["not-a-uuid", "-".repeat(36), "%00", "1", `${randomUUID()}0`, encodeURIComponent("' OR '1'='1")];

  for (const route of routes) {
    it(`${route.method} ${route.path({ projectId: "{projectId}", reportId: "{id}", widgetId: "{id}", keyId: "{keyId}", userId: "{userId}", tokenId: "{tokenId}" })} answers 404`, async () => {
      for (const param of route.params) {
        for (const bad of badIds) {
          const response = await send(route.method, route.path({ ...ids, [param]: bad }), {
            cookie: owner.cookie,
            body: route.body,
          });
          const error = await expectError(response, 404, "not_found");
          expect(error.message).toMatch(/must be a UUID/);
        }
      }
    });
  }

  it("leaves what the good ids name untouched", async () => {
    expect((await send("GET", `/api/v1/reports/${ids.reportId}`, { cookie: owner.cookie })).status).toBe(200);
    expect(await getPrisma().widget.count({ where: { id: ids.widgetId } })).toBe(1);
  });

  it("is a 404 page for the app's pages", async () => {
    for (const bad of ["not-a-uuid", "-".repeat(36)]) {
      for (const path of [
        `/projects/${bad}`,
        `/projects/${bad}/reports`,
        `/projects/${bad}/settings`,
        `/projects/${ids.projectId}/reports/${bad}`,
      ]) {
        const response = await fetch(`${testBaseUrl()}${path}`, { headers: { cookie: owner.cookie } });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    }
  });
});

describe("percent-escapes that do not decode", () => {
  const malformed = ["%E0%A4%A", "%ZZ", "%", "%C3%28x"];
  const apiPaths = (x: string) => [
    `/api/v1/embed/${x}`,
    `/api/v1/embed/${x}/data`,
    `/api/v1/embed/${x}/stream`,
    `/api/v1/embed/${x}/values?field=country`,
    `/api/v1/embed/${x}/csv?widget=${ids.widgetId}`,
    `/api/v1/reports/${x}`,
    `/api/v1/reports/${x}/data`,
    `/api/v1/widgets/${x}`,
    `/api/v1/projects/${x}/settings`,
    `/api/v1/projects/${ids.projectId}/keys/${x}`,
  ];
  const pagePaths = (x: string) => [`/embed/${x}`, `/projects/${x}`, `/projects/${ids.projectId}/reports/${x}`];

  it("is a 400 with the error shape on API paths", async () => {
    for (const x of malformed) {
      for (const path of apiPaths(x)) {
        const error = await expectError(await send("GET", path, { cookie: owner.cookie }), 400, "invalid_request");
        expect(error.message).toMatch(/percent-escape/);
      }
    }
  });

  it("is a 400 on pages, embeds included", async () => {
    for (const x of malformed) {
      for (const path of pagePaths(x)) {
        const response = await fetch(`${testBaseUrl()}${path}`, { headers: { cookie: owner.cookie } });
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(await response.text()).toMatch(/percent-escape/);
      }
    }
  });

  it("still decodes well-formed escapes", async () => {
    const response = await send("GET", `/api/v1/reports/${ids.reportId.replace("-", "%2D")}`, { cookie: owner.cookie });
    expect(response.status).toBe(200);
  });
});

describe("text PostgreSQL cannot store", () => {
  // NUL, lone high and low surrogates (valid pairs, like the emoji below, are fine).
  const unstorable = ["nul\u0000here", "\ud800", "a\udc00b", "x\ud83d"];

  const bodies: { name: string; method: string; path: () => string; body: (s: string) => unknown }[] = [
    {
      name: "report name",
      method: "POST",
      path: () => `/api/v1/projects/${ids.projectId}/reports`,
      body: (s) => ({ name: s }),
    },
    {
      name: "report description",
      method: "PATCH",
      path: () => `/api/v1/reports/${ids.reportId}`,
      body: (s) => ({ description: s }),
    },
    {
      name: "a key of the body",
      method: "POST",
      path: () => `/api/v1/projects/${ids.projectId}/reports`,
      body: (s) => ({ name: "fine", [s]: true }),
    },
    {
      name: "widget title",
      method: "POST",
      path: () => `/api/v1/reports/${ids.reportId}/widgets`,
      body: (s) => ({ ...widgetBody(), title: s }),
    },
    {
      name: "widget filter value",
      method: "POST",
      path: () => `/api/v1/reports/${ids.reportId}/widgets`,
      body: (s) => widgetBody(s),
    },
    {
      name: "edited widget filter value",
      method: "PATCH",
      path: () => `/api/v1/widgets/${ids.widgetId}`,
      body: (s) => ({ query: widgetBody(s).query }),
    },
    {
      name: "project name",
      method: "PATCH",
      path: () => `/api/v1/projects/${ids.projectId}/settings`,
      body: (s) => ({ name: s }),
    },
    {
      name: "project domain",
      method: "PATCH",
      path: () => `/api/v1/projects/${ids.projectId}/settings`,
      body: (s) => ({ domain: s }),
    },
    {
      name: "key name",
      method: "POST",
      path: () => `/api/v1/projects/${ids.projectId}/keys`,
      body: (s) => ({ name: s, kind: "read" }),
    },
    {
      name: "new member's password",
      method: "POST",
      path: () => `/api/v1/projects/${ids.projectId}/members`,
      body: (s) => ({ email: `m-${randomUUID().slice(0, 8)}@example.com`, role: "viewer", password: `password-${s}` }),
    },
    {
      name: "embed's locked filter",
      method: "POST",
      path: () => "/api/v1/embeds",
      body: (s) => ({ report_id: ids.reportId, params: { filters: [{ field: "path", op: "equals", value: s }] } }),
    },
  ];

  for (const { name, method, path, body } of bodies) {
    it(`is a 400 in a ${name}`, async () => {
      for (const s of unstorable) {
        const error = await expectError(
          await send(method, path(), { cookie: owner.cookie, body: body(s) }),
          400,
          "invalid_request",
        );
        expect(error.message).toMatch(/NUL character .* unpaired UTF-16 surrogate/);
      }
    });
  }

  it("stores none of it, and accepts text with surrogate pairs", async () => {
    const reports = await getPrisma().report.findMany({
      where: { projectId: ids.projectId },
      select: { name: true, description: true },
    });
    expect(
      reports.some((r) =>
        [r.name, r.description].some(
          (t) => t !== null && (!t.isWellFormed() || t.includes("\0") || t.includes("\ufffd")),
        ),
      ),
    ).toBe(false);
    const response = await send("POST", `/api/v1/projects/${ids.projectId}/reports`, {
      cookie: owner.cookie,
      body: { name: "Growth 📈 (ünïcödé)" },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { name: string }).name).toBe("Growth 📈 (ünïcödé)");
  });

  const queries: { name: string; query: (s: string) => unknown }[] = [
    { name: "equals filter", query: (s) => ({ kind: "trend", filters: [{ field: "path", op: "equals", value: s }] }) },
    {
      name: "property filter",
      query: (s) => ({ kind: "metric", filters: [{ field: "properties.plan", op: "not_equals", value: s }] }),
    },
    {
      name: "contains filter",
      query: (s) => ({ kind: "breakdown", dimension: "path", filters: [{ field: "title", op: "contains", value: s }] }),
    },
    {
      name: "in filter",
      query: (s) => ({ kind: "trend", filters: [{ field: "country", op: "in", value: ["FR", s] }] }),
    },
    { name: "event name", query: (s) => ({ kind: "metric", event: s }) },
    {
      name: "funnel step",
      query: (s) => ({
        kind: "funnel",
        steps: [{ event: "pageview" }, { event: "signup", filters: [{ field: "path", op: "equals", value: s }] }],
      }),
    },
    { name: "retention event", query: (s) => ({ kind: "retention", start_event: s, return_event: "pageview" }) },
  ];

  for (const { name, query } of queries) {
    it(`is a 400 in a query's ${name}`, async () => {
      for (const s of unstorable) {
        const response = await send("POST", "/api/v1/query", {
          bearer: readKey,
          body: { project_id: ids.projectId, query: query(s) },
        });
        await expectError(response, 400, "invalid_request");
      }
    });
  }

  it("is a 400 in an embed viewer's filter choice, and ignored by the embed page", async () => {
    for (const path of ["data?", "values?field=country&", `csv?widget=${ids.widgetId}&`, "stream?"]) {
      await expectError(
        await send("GET", `/api/v1/embed/${embedToken}/${path}filter.country=FR%00`),
        400,
        "invalid_request",
      );
    }
    const page = await fetch(`${testBaseUrl()}/embed/${embedToken}?filter.country=FR%00`);
    expect(page.status).toBe(200);
  });

  it("is a 400 in a report data range or time zone", async () => {
    for (const query of ["tz=Europe%2FParis%00", "from=2026-01-01%00&to=2026-01-02"]) {
      await expectError(
        await send("GET", `/api/v1/reports/${ids.reportId}/data?${query}`, { bearer: readKey }),
        400,
        "invalid_request",
      );
    }
  });
});

describe("bodies nested hundreds of thousands deep", () => {
  const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

  it("are a 400 on the app's routes", async () => {
    const raw = `{"name":"deep","description":${deep(100_000)}}`;
    for (const [method, path] of [
      ["POST", `/api/v1/projects/${ids.projectId}/reports`],
      ["PATCH", `/api/v1/widgets/${ids.widgetId}`],
      ["POST", "/api/v1/embeds"],
    ] as const) {
      const error = await expectError(await send(method, path, { cookie: owner.cookie, raw }), 400, "invalid_request");
      expect(error.message).toMatch(/must nest at most/);
    }
  });

  it("are a 400 on the query API", async () => {
    // The query API reads at most 64 KiB.
    const raw = `{"project_id":"${ids.projectId}","query":{"kind":"trend","filters":${deep(30_000)}}}`;
    await expectError(await send("POST", "/api/v1/query", { bearer: readKey, raw }), 400, "invalid_request");
  });

  it("are refused for a body that is not an object at all", async () => {
    for (const raw of ["null", "[]", '"text"', "42"]) {
      await expectError(
        await send("POST", `/api/v1/projects/${ids.projectId}/reports`, { cookie: owner.cookie, raw }),
        400,
        "invalid_request",
      );
    }
  });
});

describe("embed tokens whose kid is not a UUID", () => {
  async function tokenWithKid(kid: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ resource: { type: "report", id: ids.reportId } })
      .setProtectedHeader({ alg: "HS256", kid })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode("any-secret-any-secret-any-secret"));
  }

  it("are a 401 on every embed API route and an error page on the embed page", async () => {
    for (const kid of ["-".repeat(36), "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", `${ids.projectId}\u0000`, ""]) {
      const token = await tokenWithKid(kid);
      for (const path of ["", "/data", "/stream", "/values?field=country", `/csv?widget=${ids.widgetId}`]) {
        await expectError(await send("GET", `/api/v1/embed/${token}${path}`), 401, "unauthorized");
      }
      const page = await fetch(`${testBaseUrl()}/embed/${token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-testid="embed-error"');
    }
  });
});
