// Cross-site request forgery over real HTTP: a state-changing request carrying a valid session
// cookie is refused (403) unless the browser says it comes from Lumen's own origin and its body is
// JSON; API-key calls and ingestion (CORS, sendBeacon's text/plain) keep working from anywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";

const FOREIGN = "https://evil.example";

let tenant: Tenant;
let owner: SignedInMember;
let reportId: string;

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
  return fetch(`${testBaseUrl()}${path}`, { method, headers: { cookie: owner.cookie, ...headers }, body });
}

async function reportNames(): Promise<string[]> {
  return (await getPrisma().report.findMany({ where: { projectId: tenant.projectId }, select: { name: true } })).map(
    (r) => r.name,
  );
}

async function expectForbidden(response: Response, message: RegExp): Promise<void> {
  expect(response.status).toBe(403);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe("forbidden");
  expect(error.message).toMatch(message);
}

beforeAll(async () => {
  tenant = await createTenant();
  owner = await signedInMember(tenant.organizationId, "owner");
  const created = await send(
    "POST",
    `/api/v1/projects/${tenant.projectId}/reports`,
    { "content-type": "application/json" },
    JSON.stringify({ name: "Existing" }),
  );
  reportId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  await closeDatabase();
});

describe("with the session cookie", () => {
  const reports = () => `/api/v1/projects/${tenant.projectId}/reports`;

  it("refuses a text/plain POST from a foreign origin, and creates nothing", async () => {
    await expectForbidden(
      await send(
        "POST",
        reports(),
        { "content-type": "text/plain", origin: FOREIGN },
        JSON.stringify({ name: "Forged" }),
      ),
      /Cross-origin request refused/,
    );
    await expectForbidden(
      await send(
        "POST",
        reports(),
        { "content-type": "text/plain;charset=UTF-8", origin: FOREIGN, "sec-fetch-site": "cross-site" },
        JSON.stringify({ name: "Forged" }),
      ),
      /Cross-site request refused/,
    );
    expect(await reportNames()).not.toContain("Forged");
  });

  it("refuses JSON from a foreign origin or site, a sibling subdomain included", async () => {
    const json = { "content-type": "application/json" };
    await expectForbidden(
      await send("POST", reports(), { ...json, origin: FOREIGN }, JSON.stringify({ name: "Forged" })),
      /Cross-origin/,
    );
    await expectForbidden(
      await send("POST", reports(), { ...json, "sec-fetch-site": "cross-site" }, JSON.stringify({ name: "Forged" })),
      /Cross-site/,
    );
    await expectForbidden(
      await send("POST", reports(), { ...json, "sec-fetch-site": "same-site" }, JSON.stringify({ name: "Forged" })),
      /Cross-site/,
    );
    await expectForbidden(
      await send("POST", reports(), { ...json, origin: "null" }, JSON.stringify({ name: "Forged" })),
      /Cross-origin/,
    );
    expect(await reportNames()).not.toContain("Forged");
  });

  it("refuses bodies that are not JSON even without an Origin, since a form or beacon can send them", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      await expectForbidden(
        await send("POST", reports(), { "content-type": type }, JSON.stringify({ name: "Forged" })),
        /application\/json/,
      );
    }
    expect(await reportNames()).not.toContain("Forged");
  });

  it("refuses every state-changing method from a foreign origin", async () => {
    const key = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "write",
      name: "kept",
    });
    const cross = { origin: FOREIGN, "sec-fetch-site": "cross-site" };
    const json = { ...cross, "content-type": "application/json" };
    await expectForbidden(
      await send("PATCH", `/api/v1/reports/${reportId}`, json, JSON.stringify({ name: "Forged" })),
      /refused/,
    );
    await expectForbidden(
      await send("PUT", `/api/v1/reports/${reportId}/layout`, json, JSON.stringify({ widgets: [] })),
      /refused/,
    );
    await expectForbidden(await send("DELETE", `/api/v1/reports/${reportId}`, cross), /refused/);
    await expectForbidden(
      await send("DELETE", `/api/v1/projects/${tenant.projectId}/keys/${key.id}`, cross),
      /refused/,
    );
    await expectForbidden(
      await send(
        "POST",
        `/api/v1/projects/${tenant.projectId}/members`,
        json,
        JSON.stringify({ email: "forged@example.com", role: "owner", password: "forged-password" }),
      ),
      /refused/,
    );
    await expectForbidden(
      await send("PATCH", `/api/v1/projects/${tenant.projectId}/settings`, json, JSON.stringify({ name: "Forged" })),
      /refused/,
    );
    await expectForbidden(
      await send("POST", "/api/v1/embeds", json, JSON.stringify({ report_id: reportId })),
      /refused/,
    );
    expect(await reportNames()).toEqual(["Existing"]);
    expect((await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).name).not.toBe("Forged");
    expect(await getPrisma().user.findUnique({ where: { email: "forged@example.com" } })).toBeNull();
    expect((await postEvents({ name: "still-works" }, { key: key.key })).status).toBe(202);
  });

  it("accepts same-origin JSON, as the app's own pages send it", async () => {
    const own = { "content-type": "application/json", origin: testBaseUrl(), "sec-fetch-site": "same-origin" };
    const created = await send("POST", reports(), own, JSON.stringify({ name: "Same origin" }));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await send("PATCH", `/api/v1/reports/${id}`, own, JSON.stringify({ name: "Renamed" }))).status).toBe(200);
    expect(
      (await send("DELETE", `/api/v1/reports/${id}`, { origin: testBaseUrl(), "sec-fetch-site": "same-origin" }))
        .status,
    ).toBe(204);
  });

  it("accepts the public origin a proxy forwards the request for", async () => {
    const proxied = {
      "content-type": "application/json",
      origin: "https://stats.example.com",
      "x-forwarded-host": "stats.example.com",
      "x-forwarded-proto": "https",
    };
    expect((await send("POST", reports(), proxied, JSON.stringify({ name: "Behind a proxy" }))).status).toBe(201);
  });

  it("leaves reads alone", async () => {
    const response = await send("GET", `/api/v1/reports/${reportId}`, {
      origin: FOREIGN,
      "sec-fetch-site": "cross-site",
    });
    expect(response.status).toBe(200);
  });
});

describe("without a cookie", () => {
  it("keeps ingestion open to text/plain posts from any origin (sendBeacon), cookie or not", async () => {
    const response = await fetch(`${testBaseUrl()}/api/v1/events`, {
      method: "POST",
      headers: {
        "content-type": "text/plain;charset=UTF-8",
        origin: "https://shop.example",
        "sec-fetch-site": "cross-site",
        cookie: owner.cookie,
      },
      body: JSON.stringify({ api_key: tenant.writeKey, events: [{ name: "beacon" }] }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect(await response.json()).toMatchObject({ accepted: 1 });
  });

  it("keeps API-key calls working from any origin", async () => {
    const admin = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "admin",
      name: "backend",
    });
    const read = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "read",
      name: "backend",
    });
    const cross = { origin: FOREIGN, "sec-fetch-site": "cross-site" };
    const embed = await fetch(`${testBaseUrl()}/api/v1/embeds`, {
      method: "POST",
      headers: { ...cross, authorization: `Bearer ${admin.key}`, "content-type": "application/json" },
      body: JSON.stringify({ report_id: reportId, expires_in: 600 }),
    });
    expect(embed.status).toBe(201);
    const query = await fetch(`${testBaseUrl()}/api/v1/query`, {
      method: "POST",
      headers: { ...cross, authorization: `Bearer ${read.key}`, "content-type": "text/plain" },
      body: JSON.stringify({ project_id: tenant.projectId, query: { kind: "metric", compare: false } }),
    });
    expect(query.status).toBe(200);
  });
});
