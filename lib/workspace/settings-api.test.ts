// Settings over HTTP: roles decide who may add members, create keys and change the project.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMember, createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { closeDatabase, getPrisma } from "../db/client";
import type { Role } from "./schemas";

let tenant: Tenant;
const cookies: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  tenant = await createTenant();
  for (const role of ["owner", "admin", "analyst"] as const) {
    const member = await createMember(tenant.organizationId, role);
    cookies[role] = await signInOverHttp(member.email, member.password);
  }
});

afterAll(async () => {
  await closeDatabase();
});

function call(role: Role, method: string, path: string, body?: unknown) {
  return fetch(`${testBaseUrl()}/api/v1/projects/${tenant.projectId}${path}`, {
    method,
    headers: { cookie: cookies[role]!, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

it("lets an admin create a write key that ingests, shown once, and revoke it", async () => {
  expect((await call("analyst", "POST", "/keys", { name: "site", kind: "write" })).status).toBe(403);
  const created = await call("admin", "POST", "/keys", { name: "site", kind: "write", allowed_origins: [] });
  expect(created.status).toBe(201);
  const { key, id } = (await created.json()) as { key: string; id: string };
  expect((await postEvents({ name: "x" }, { key })).status).toBe(202);
  const listed = (await (await call("admin", "GET", "/settings")).json()) as { keys: { id: string; prefix: string }[] };
  expect(JSON.stringify(listed)).not.toContain(key);
  expect(listed.keys.find((k) => k.id === id)?.prefix).toBe(key.slice(0, 12));
  expect((await call("admin", "DELETE", `/keys/${id}`)).status).toBe(204);
  expect((await postEvents({ name: "x" }, { key })).status).toBe(401);
});

it("lets only an owner manage members, and keeps the last owner", async () => {
  const email = `new-${randomUUID().slice(0, 8)}@example.com`;
  expect(
    (await call("admin", "POST", "/members", { email, role: "viewer", password: "new-member-password" })).status,
  ).toBe(403);
  expect(
    (await call("owner", "POST", "/members", { email, role: "viewer", password: "new-member-password" })).status,
  ).toBe(200);
  const user = await getPrisma().user.findUniqueOrThrow({ where: { email } });
  expect(
    await getPrisma().membership.findUnique({
      where: { organizationId_userId: { organizationId: tenant.organizationId, userId: user.id } },
    }),
  ).toMatchObject({ role: "viewer" });
  expect((await call("owner", "DELETE", `/members/${user.id}`)).status).toBe(204);
  const owner = await getPrisma().membership.findFirstOrThrow({
    where: { organizationId: tenant.organizationId, role: "owner" },
  });
  expect((await call("owner", "DELETE", `/members/${owner.userId}`)).status).toBe(403);
});

it("validates project changes and refuses analysts", async () => {
  expect((await call("analyst", "PATCH", "/settings", { name: "Renamed" })).status).toBe(403);
  const bad = await call("admin", "PATCH", "/settings", { timezone: "Mars/Olympus" });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe("timezone");
  expect((await call("admin", "PATCH", "/settings", { name: "Renamed", timezone: "Asia/Tokyo" })).status).toBe(200);
  expect(await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).toMatchObject({
    name: "Renamed",
    timezone: "Asia/Tokyo",
  });
});
