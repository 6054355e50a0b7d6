// Tokens a customer's backend signs, over real HTTP: exp and iat are required, exp - iat is bounded
// by the project's maximum lifetime (24 h unless an admin changes it), a jti revokes one token; the
// embeds Lumen issues keep their longer, stored and revocable, lifetimes.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import type { Role } from "../workspace/schemas";
import { ensureUserWithRole } from "../workspace/workspace";
import { createEmbed } from "./issue";

let tenant: Tenant;
let secret: string;
let reportId: string;
let adminId: string;
const cookies = {} as Record<Role, string>;

const HOUR = 3600;
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  tenant = await createTenant();
  for (const role of ["admin", "analyst", "viewer"] as const) {
    const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
    const user = await ensureUserWithRole(tenant.organizationId, { email, password: "tokens-password" }, role);
    if (role === "admin") adminId = user.id;
    cookies[role] = await signInOverHttp(email, "tokens-password");
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
  secret = (
    await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId }, select: { embedSecret: true } })
  ).embedSecret;
});

afterAll(async () => {
  await closeDatabase();
});

/** Signs what a customer's backend would, with exactly the registered claims given. */
function sign(times: { iat?: number; exp?: number; jti?: string }) {
  return new SignJWT({ resource: { type: "report", id: reportId }, ...times })
    .setProtectedHeader({ alg: "HS256", kid: tenant.projectId })
    .sign(new TextEncoder().encode(secret));
}

async function answer(token: string) {
  const response = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data`);
  return {
    status: response.status,
    body: (await response.json()) as {
      error?: { code: string; message: string; details: { path: string; message: string }[] };
    },
  };
}

function call(role: Role, method: string, path: string, body?: unknown) {
  return fetch(`${testBaseUrl()}/api/v1/projects/${tenant.projectId}${path}`, {
    method,
    headers: { cookie: cookies[role], ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("customer-signed tokens", () => {
  it("must carry exp and iat", async () => {
    const now = nowSeconds();
    const withoutExp = await answer(await sign({ iat: now }));
    expect(withoutExp.status).toBe(401);
    expect(withoutExp.body.error).toMatchObject({
      code: "unauthorized",
      message: expect.stringMatching(/exp/),
      details: [
        { path: "token", message: "invalid" },
        { path: "token.exp", message: "required" },
      ],
    });
    const withoutIat = await answer(await sign({ exp: now + HOUR }));
    expect(withoutIat.status).toBe(401);
    expect(withoutIat.body.error?.details[1]).toEqual({ path: "token.iat", message: "required" });
    expect((await answer(await sign({ iat: now, exp: now + HOUR }))).status).toBe(200);
  });

  it("live at most the project's maximum lifetime, 24 hours unless an admin sets another", async () => {
    const now = nowSeconds();
    expect((await answer(await sign({ iat: now, exp: now + 24 * HOUR }))).status).toBe(200);
    const tooLong = await answer(await sign({ iat: now, exp: now + 24 * HOUR + 1 }));
    expect(tooLong.status).toBe(401);
    expect(tooLong.body.error?.message).toMatch(/86400 seconds/);
    // An iat in the future would stretch the window: refused beyond a minute of clock skew.
    expect((await answer(await sign({ iat: now + 30, exp: now + HOUR }))).status).toBe(200);
    expect((await answer(await sign({ iat: now + 24 * HOUR, exp: now + 48 * HOUR }))).body.error?.details[1]).toEqual({
      path: "token.iat",
      message: "in the future",
    });

    expect((await call("analyst", "PATCH", "/settings", { embed_token_max_lifetime_seconds: 600 })).status).toBe(403);
    expect((await call("admin", "PATCH", "/settings", { embed_token_max_lifetime_seconds: 30 })).status).toBe(400);
    expect((await call("admin", "PATCH", "/settings", { embed_token_max_lifetime_seconds: 8 * 86_400 })).status).toBe(
      400,
    );
    const saved = await call("admin", "PATCH", "/settings", { embed_token_max_lifetime_seconds: 600 });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ embedTokenMaxLifetimeSeconds: 600 });
    try {
      expect((await answer(await sign({ iat: now, exp: now + 600 }))).status).toBe(200);
      expect((await answer(await sign({ iat: now, exp: now + 601 }))).status).toBe(401);
    } finally {
      await call("admin", "PATCH", "/settings", { embed_token_max_lifetime_seconds: 86_400 });
    }
  });

  it("can be revoked one by one by jti, by admins", async () => {
    const now = nowSeconds();
    const jti = `order-${randomUUID()}`;
    const token = await sign({ iat: now, exp: now + HOUR, jti });
    const sibling = await sign({ iat: now, exp: now + HOUR, jti: `order-${randomUUID()}` });
    expect((await answer(token)).status).toBe(200);

    expect((await call("viewer", "POST", "/embed-revocations", { jti })).status).toBe(403);
    expect((await call("admin", "POST", "/embed-revocations", { jti: "" })).status).toBe(400);
    const revoked = await call("admin", "POST", "/embed-revocations", { jti });
    expect(revoked.status).toBe(201);
    const entry = (await revoked.json()) as { jti: string; expires_at: string };
    expect(entry.jti).toBe(jti);
    // The entry lasts as long as any token with this jti could: the largest maximum lifetime (7 days) and clock skew.
    expect(Date.parse(entry.expires_at) - Date.now()).toBeGreaterThan(7 * 86_400_000);

    const refused = await answer(token);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.details[0]).toEqual({ path: "token", message: "revoked" });
    expect((await answer(sibling)).status).toBe(200);
    const listed = (await (await call("admin", "GET", "/embed-revocations")).json()) as { revoked: { jti: string }[] };
    expect(listed.revoked.map((r) => r.jti)).toContain(jti);
    expect((await call("analyst", "GET", "/embed-revocations")).status).toBe(403);

    // The customer's backend may revoke with its admin key.
    const adminKey = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: null,
      kind: "admin",
      name: "backend",
    });
    const byKey = await fetch(`${testBaseUrl()}/api/v1/projects/${tenant.projectId}/embed-revocations`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey.key}`, "content-type": "application/json" },
      body: JSON.stringify({ jti: "by-key" }),
    });
    expect(byKey.status).toBe(201);
    expect((await answer(await sign({ iat: now, exp: now + HOUR, jti: "by-key" }))).status).toBe(403);
  });
});

describe("embeds Lumen issues", () => {
  it("keep their stored lifetime, 30 days by default, beyond the customer maximum", async () => {
    const embed = await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl());
    const stored = await getPrisma().embedToken.findUniqueOrThrow({ where: { id: embed.id } });
    expect(stored.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    expect((await answer(embed.token)).status).toBe(200);
    const described = (await (await fetch(`${testBaseUrl()}/api/v1/embed/${embed.token}`)).json()) as {
      expires_in_ms: number;
    };
    expect(described.expires_in_ms).toBeGreaterThan(29.9 * 86_400_000);
  });
});
