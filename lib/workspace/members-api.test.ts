// The last owner of an organization stays, over real HTTP: it cannot be demoted or removed, not
// even by two owners demoting or removing each other at the same moment.
import { afterAll, expect, it } from "vitest";
import { createTenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { closeDatabase, getPrisma } from "../db/client";
import { ensureUserWithRole } from "./workspace";

afterAll(async () => {
  await closeDatabase();
});

function setRole(actor: SignedInMember, projectId: string, member: SignedInMember, role: string): Promise<Response> {
  return fetch(`${testBaseUrl()}/api/v1/projects/${projectId}/members`, {
    method: "POST",
    headers: { cookie: actor.cookie, "content-type": "application/json" },
    body: JSON.stringify({ email: member.email, role }),
  });
}

function remove(actor: SignedInMember, projectId: string, member: SignedInMember): Promise<Response> {
  return fetch(`${testBaseUrl()}/api/v1/projects/${projectId}/members/${member.userId}`, {
    method: "DELETE",
    headers: { cookie: actor.cookie },
  });
}

async function ownersOf(organizationId: string): Promise<string[]> {
  return (
    await getPrisma().membership.findMany({ where: { organizationId, role: "owner" }, select: { userId: true } })
  ).map((m) => m.userId);
}

async function twoOwners() {
  const tenant = await createTenant();
  const [a, b] = await Promise.all([
    signedInMember(tenant.organizationId, "owner"),
    signedInMember(tenant.organizationId, "owner"),
  ]);
  return { tenant, a, b };
}

it("refuses to demote or remove the last owner, and lets them hand over first", async () => {
  const tenant = await createTenant();
  const owner = await signedInMember(tenant.organizationId, "owner");
  const admin = await signedInMember(tenant.organizationId, "admin");
  for (const role of ["admin", "analyst", "viewer"]) {
    const response = await setRole(owner, tenant.projectId, owner, role);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/at least one owner/);
  }
  expect((await remove(owner, tenant.projectId, owner)).status).toBe(403);
  expect(await ownersOf(tenant.organizationId)).toEqual([owner.userId]);

  expect((await setRole(owner, tenant.projectId, admin, "owner")).status).toBe(200);
  expect((await setRole(owner, tenant.projectId, owner, "viewer")).status).toBe(200);
  expect(await ownersOf(tenant.organizationId)).toEqual([admin.userId]);
});

it("refuses the same through the operator's tools (CLI create-user)", async () => {
  const tenant = await createTenant();
  const owner = await signedInMember(tenant.organizationId, "owner");
  await expect(
    ensureUserWithRole(tenant.organizationId, { email: owner.email, password: "another-password" }, "viewer"),
  ).rejects.toThrow(/at least one owner/);
  expect(await ownersOf(tenant.organizationId)).toEqual([owner.userId]);
});

it("keeps one owner when two owners demote each other at the same moment", async () => {
  for (let round = 0; round < 3; round++) {
    const { tenant, a, b } = await twoOwners();
    const responses = await Promise.all([
      setRole(a, tenant.projectId, b, "admin"),
      setRole(b, tenant.projectId, a, "admin"),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(await ownersOf(tenant.organizationId)).toHaveLength(1);
  }
});

it("keeps one owner when an owner demotes themself and the other owner at the same moment", async () => {
  for (let round = 0; round < 3; round++) {
    const { tenant, a, b } = await twoOwners();
    const responses = await Promise.all([
      setRole(a, tenant.projectId, a, "viewer"),
      setRole(a, tenant.projectId, b, "viewer"),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(await ownersOf(tenant.organizationId)).toHaveLength(1);
  }
});

it("keeps one owner when two owners remove each other at the same moment", async () => {
  for (let round = 0; round < 3; round++) {
    const { tenant, a, b } = await twoOwners();
    const responses = await Promise.all([remove(a, tenant.projectId, b), remove(b, tenant.projectId, a)]);
    // The second finds its actor removed: no longer a member, so the organization is not theirs to see.
    expect(responses.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(await ownersOf(tenant.organizationId)).toHaveLength(1);
  }
});
