// The audit log against a real PostgreSQL: the database itself refuses to change or delete entries
// (only deleting a whole organization takes its entries with it), and an action whose entry cannot
// be written does not happen.
import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { createMember, createTenant } from "../../testing/fixtures";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { revealEmbedSecret } from "../embed/signing-secret";
import { openPersonExport } from "../privacy/export";
import { changeMembership } from "../workspace/members";
import { updateProject } from "../workspace/settings";
import { OPERATOR, recordAudit, userActor } from "./record";

afterAll(async () => {
  await closeDatabase();
});

async function entriesOf(organizationId: string): Promise<number> {
  return getPrisma().auditEntry.count({ where: { organizationId } });
}

it("refuses UPDATE, DELETE and TRUNCATE of entries, whoever asks", async () => {
  const tenant = await createTenant();
  const before = await entriesOf(tenant.organizationId);
  expect(before).toBeGreaterThan(0);
  const pool = getPool();
  await expect(
    pool.query("UPDATE audit_log SET action = 'api_key.revoked' WHERE organization_id = $1", [tenant.organizationId]),
  ).rejects.toThrow(/append-only: UPDATE refused/);
  await expect(pool.query("DELETE FROM audit_log WHERE organization_id = $1", [tenant.organizationId])).rejects.toThrow(
    /append-only: DELETE refused/,
  );
  // A TRUNCATE that would succeed is refused before it runs (in a transaction rolled back either way).
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await expect(client.query("TRUNCATE audit_log")).rejects.toThrow(/append-only: TRUNCATE refused/);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
  expect(await entriesOf(tenant.organizationId)).toBe(before);
});

it("lets a whole organization's deletion take its entries, and only its own", async () => {
  const [doomed, kept] = await Promise.all([createTenant(), createTenant()]);
  const keptEntries = await entriesOf(kept.organizationId);
  await getPrisma().organization.delete({ where: { id: doomed.organizationId } });
  expect(await entriesOf(doomed.organizationId)).toBe(0);
  expect(await entriesOf(kept.organizationId)).toBe(keptEntries);
});

it("refuses action names outside its vocabulary and oversized details", async () => {
  const tenant = await createTenant();
  await expect(
    recordAudit(getPrisma(), {
      organizationId: tenant.organizationId,
      actor: OPERATOR,
      action: "keys.stolen" as "api_key.created",
      target: { type: "api_key" },
    }),
  ).rejects.toThrow();
  await expect(
    recordAudit(getPrisma(), {
      organizationId: tenant.organizationId,
      actor: OPERATOR,
      action: "api_key.created",
      target: { type: "api_key" },
      details: { blob: "x".repeat(5000) },
    }),
  ).rejects.toThrow(/over 4096 bytes/);
});

it("undoes the action when its entry cannot be written (same transaction)", async () => {
  const tenant = await createTenant();
  const owner = await createMember(tenant.organizationId, "owner");
  const key = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" });
  const viewer = await createMember(tenant.organizationId, "viewer");
  const suffix = randomUUID().replaceAll("-", "");
  const pool = getPool();
  // For this organization only, the log refuses new entries: the other test files go on meanwhile.
  await pool.query(`CREATE FUNCTION audit_refuse_${suffix}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit log unavailable (test)'; END $$`);
  await pool.query(`CREATE TRIGGER audit_refuse_${suffix} BEFORE INSERT ON audit_log FOR EACH ROW
    WHEN (NEW.organization_id = '${tenant.organizationId}'::uuid) EXECUTE FUNCTION audit_refuse_${suffix}()`);
  try {
    const refused = /audit log unavailable/;
    await expect(revokeApiKey(tenant.organizationId, key.id, userActor(owner.id))).rejects.toThrow(refused);
    expect((await getPrisma().apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();

    await expect(changeMembership(tenant.organizationId, viewer.id, { role: "admin" }, owner.id)).rejects.toThrow(
      refused,
    );
    await expect(changeMembership(tenant.organizationId, viewer.id, { remove: true }, owner.id)).rejects.toThrow(
      refused,
    );
    expect(
      await getPrisma().membership.findUnique({
        where: { organizationId_userId: { organizationId: tenant.organizationId, userId: viewer.id } },
      }),
    ).toMatchObject({ role: "viewer" });

    await expect(updateProject(owner.id, tenant.projectId, { name: "Renamed" })).rejects.toThrow(refused);
    expect((await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).name).toBe("Site");

    await expect(
      createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "never", actor: userActor(owner.id) }),
    ).rejects.toThrow(refused);
    expect(await getPrisma().apiKey.count({ where: { organizationId: tenant.organizationId, name: "never" } })).toBe(0);

    // Reads that must be recorded give nothing away unrecorded.
    await expect(revealEmbedSecret({ userId: owner.id }, tenant.projectId)).rejects.toThrow(refused);
    for (let i = 0; i < 3; i++)
      await expect(
        openPersonExport({
          organizationId: tenant.organizationId,
          projectId: tenant.projectId,
          person: { kind: "user_id", id: "u-1" },
          actor: userActor(owner.id),
        }),
      ).rejects.toThrow(refused); // each time: a refused export frees its slot and its connection
  } finally {
    await pool.query(`DROP TRIGGER audit_refuse_${suffix} ON audit_log`);
    await pool.query(`DROP FUNCTION audit_refuse_${suffix}()`);
  }
});
