// The embed signing secret over real HTTP: no page or endpoint sends it to anyone unasked, viewers
// and analysts cannot ask, owners, admins and admin keys can; rotation keeps the old secret working
// for its grace period only (or not at all), from a session or an admin key.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import type { Role } from "../workspace/schemas";
import { ensureUserWithRole } from "../workspace/workspace";
import { signEmbedToken } from "./tokens";

let tenant: Tenant;
let reportId: string;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  tenant = await createTenant();
  for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
    const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
    await ensureUserWithRole(tenant.organizationId, { email, password: "secret-password" }, role);
    cookies[role] = await signInOverHttp(email, "secret-password");
  }
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Sales",
      widgets: { create: [{ title: "Events", query: { kind: "metric", compare: false }, viz: { type: "metric" } }] },
    },
  });
  reportId = report.id;
});

afterAll(async () => {
  await closeDatabase();
});

const storedSecret = async () =>
  (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId }, select: { embedSecret: true } }))
    .embedSecret;

function call(auth: { cookie: string } | { key: string }, method: string, path: string, body?: unknown) {
  return fetch(`${testBaseUrl()}${path}`, {
    method,
    headers: {
      ...("cookie" in auth ? { cookie: auth.cookie } : { authorization: `Bearer ${auth.key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const as = (role: Role) => ({ cookie: cookies[role] });
const secretPath = () => `/api/v1/projects/${tenant.projectId}/embed-secret`;

/** A customer-signed token for the report, valid for an hour. */
const tokenSignedWith = (secret: string) =>
  signEmbedToken(
    tenant.projectId,
    secret,
    { resource: { type: "report", id: reportId } },
    new Date(Date.now() + 3_600_000),
  );
const embedStatus = async (token: string) => (await fetch(`${testBaseUrl()}/api/v1/embed/${token}`)).status;

describe("the embed secret's visibility", () => {
  it("is in no page or settings answer, for any role, unless asked for", async () => {
    const secret = await storedSecret();
    const pages = [
      "/projects",
      `/projects/${tenant.projectId}`,
      `/projects/${tenant.projectId}/settings`,
      `/projects/${tenant.projectId}/reports`,
      `/projects/${tenant.projectId}/reports/${reportId}`,
    ];
    for (const role of ["viewer", "analyst", "admin", "owner"] as const) {
      const settings = await call(as(role), "GET", `/api/v1/projects/${tenant.projectId}/settings`);
      expect(settings.status, role).toBe(200);
      const body = await settings.text();
      expect(body, role).not.toContain(secret);
      expect(body, role).not.toMatch(/embedSecret"\s*:\s*"/);
      for (const page of pages) {
        // The HTML, and the React Server Components payload a client-side navigation reads.
        for (const headers of [{}, { rsc: "1" }] as Record<string, string>[]) {
          const response = await fetch(`${testBaseUrl()}${page}`, { headers: { cookie: cookies[role], ...headers } });
          expect(response.status, `${role} ${page}`).toBe(200);
          expect(await response.text(), `${role} ${page}`).not.toContain(secret);
        }
      }
    }
    const patched = await call(as("admin"), "PATCH", `/api/v1/projects/${tenant.projectId}/settings`, { name: "Site" });
    expect(patched.status).toBe(200);
    expect(await patched.text()).not.toContain(secret);
  });

  it("is revealed on request to owners, admins and the organization's admin keys only", async () => {
    const secret = await storedSecret();
    for (const role of ["viewer", "analyst"] as const) {
      const refused = await call(as(role), "GET", secretPath());
      expect(refused.status, role).toBe(403);
      expect(await refused.text()).not.toContain(secret);
    }
    for (const role of ["admin", "owner"] as const) {
      const revealed = await call(as(role), "GET", secretPath());
      expect(revealed.status, role).toBe(200);
      expect(revealed.headers.get("cache-control")).toBe("no-store");
      expect(await revealed.json()).toMatchObject({ secret });
    }
    const adminKey = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: null,
      kind: "admin",
      name: "backend",
    });
    expect(await (await call({ key: adminKey.key }, "GET", secretPath())).json()).toMatchObject({ secret });

    const readKey = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: null,
      kind: "read",
      name: "reporting",
    });
    expect((await call({ key: readKey.key }, "GET", secretPath())).status).toBe(403);
    const stranger = await createTenant();
    const foreignKey = await createApiKey({
      organizationId: stranger.organizationId,
      projectId: null,
      kind: "admin",
      name: "other",
    });
    expect((await call({ key: foreignKey.key }, "GET", secretPath())).status).toBe(404);
    const otherProjectKey = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: (await createTenantProject()).id,
      kind: "admin",
      name: "bound",
    });
    expect((await call({ key: otherProjectKey.key }, "GET", secretPath())).status).toBe(404);
    expect((await fetch(`${testBaseUrl()}${secretPath()}`)).status).toBe(401);
    expect((await call(as("admin"), "GET", "/api/v1/projects/not-a-project/embed-secret")).status).toBe(404);
  });
});

/** Another project in the tenant's organization. */
function createTenantProject() {
  return getPrisma().project.create({
    data: { organizationId: tenant.organizationId, name: `Other ${randomUUID().slice(0, 6)}` },
    select: { id: true },
  });
}

describe("rotating the embed secret", () => {
  it("keeps the old secret verifying during the grace period, and refuses it once retired", async () => {
    const old = await storedSecret();
    const oldToken = await tokenSignedWith(old);
    expect((await call(as("analyst"), "POST", `${secretPath()}/rotate`, {})).status).toBe(403);
    expect((await call(as("admin"), "POST", `${secretPath()}/rotate`, { grace_seconds: -1 })).status).toBe(400);

    const rotated = await call(as("admin"), "POST", `${secretPath()}/rotate`, {});
    expect(rotated.status).toBe(200);
    const { secret, previous_valid_until } = (await rotated.json()) as { secret: string; previous_valid_until: string };
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(old);
    // The default grace period: 24 hours.
    expect(Date.parse(previous_valid_until) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);

    expect(await embedStatus(oldToken)).toBe(200);
    expect(await embedStatus(await tokenSignedWith(secret))).toBe(200);
    // A token signed with the old secret now lasts only as long as the grace period.
    const described = (await (await fetch(`${testBaseUrl()}/api/v1/embed/${oldToken}`)).json()) as {
      expires_in_ms: number;
    };
    expect(described.expires_in_ms).toBeLessThanOrEqual(Date.parse(previous_valid_until) - Date.now() + 1000);
    const settings = (await (
      await call(as("admin"), "GET", `/api/v1/projects/${tenant.projectId}/settings`)
    ).json()) as { embedSecret: { previous_valid_until: string } };
    expect(settings.embedSecret.previous_valid_until).toBe(previous_valid_until);

    expect((await call(as("analyst"), "DELETE", `${secretPath()}/previous`)).status).toBe(403);
    expect((await call(as("owner"), "DELETE", `${secretPath()}/previous`)).status).toBe(204);
    const refused = await fetch(`${testBaseUrl()}/api/v1/embed/${oldToken}/data`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      error: {
        code: "unauthorized",
        message: expect.stringMatching(/rotated/),
        details: [{ path: "token", message: "expired" }],
      },
    });
    expect(await embedStatus(await tokenSignedWith(secret))).toBe(200);
  });

  it("refuses the old secret once the grace period is over", async () => {
    const oldToken = await tokenSignedWith(await storedSecret());
    expect((await call(as("owner"), "POST", `${secretPath()}/rotate`, { grace_seconds: 1 })).status).toBe(200);
    await expect.poll(() => embedStatus(oldToken)).toBe(401);
  });

  it("refuses the old secret at once without a grace period, from an admin key too", async () => {
    const adminKey = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "admin",
      name: "rotator",
    });
    const oldToken = await tokenSignedWith(await storedSecret());
    const rotated = await call({ key: adminKey.key }, "POST", `${secretPath()}/rotate`, { grace_seconds: 0 });
    expect(rotated.status).toBe(200);
    const { secret, previous_valid_until } = (await rotated.json()) as {
      secret: string;
      previous_valid_until: string | null;
    };
    expect(previous_valid_until).toBeNull();
    expect(secret).toBe(await storedSecret());
    expect(await embedStatus(oldToken)).toBe(401);
    expect(await embedStatus(await tokenSignedWith(secret))).toBe(200);
  });
});
