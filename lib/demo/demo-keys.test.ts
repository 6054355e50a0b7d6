// Re-running the `demo` command never brings back a key someone revoked: it prints the next key in
// line, and keeps printing that one. The commands run in this process (as scripts/lumen.ts runs
// them); the keys are tried over HTTP.
import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { postEvents } from "../../testing/fixtures";
import { commands } from "../cli/commands";
import { closeDatabase, getPrisma } from "../db/client";

afterAll(async () => {
  await closeDatabase();
});

async function demo(slug: string) {
  const { json } = await commands.demo!.run({ org: slug, events: "1", days: "1", json: true });
  const { events_stored: _stored, ...workspace } = json as Record<string, string>;
  return workspace;
}

it("leaves a revoked demo key revoked, and replaces it with a new one that stays", async () => {
  const slug = `demo-${randomUUID().slice(0, 8)}`;
  const first = await demo(slug);
  expect((await postEvents({ name: "before" }, { key: first.write_key })).status).toBe(202);

  const revoked = await getPrisma().apiKey.findFirstOrThrow({
    where: { organizationId: first.org_id, kind: "write", revokedAt: null },
  });
  await commands["revoke-key"]!.run({ org: slug, id: revoked.id });
  expect((await postEvents({ name: "revoked" }, { key: first.write_key })).status).toBe(401);

  const second = await demo(slug);
  expect(second.write_key).not.toBe(first.write_key);
  expect(second.read_key).toBe(first.read_key);
  expect((await postEvents({ name: "revoked-again" }, { key: first.write_key })).status).toBe(401);
  expect((await getPrisma().apiKey.findUniqueOrThrow({ where: { id: revoked.id } })).revokedAt).not.toBeNull();
  expect((await postEvents({ name: "after" }, { key: second.write_key })).status).toBe(202);

  expect(await demo(slug)).toEqual(second);
});

it("refuses a key id that is not a UUID with a clear message", async () => {
  await expect(commands["revoke-key"]!.run({ org: "demo", id: "-".repeat(36) })).rejects.toThrow(
    /must be a key's id \(a UUID/,
  );
});
