// Person deletion from the operator CLI: `privacy delete … --wait` runs the job to the end in the CLI's
// own process, `privacy deletions` lists the project's jobs, and a request naming two ids is refused.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { createTenant } from "../../testing/fixtures";
import { personPseudonym } from "../audit/person-pseudonym";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";

const run = promisify(execFile);
const tsx = path.resolve("node_modules/.bin/tsx");

function lumen(...args: string[]) {
  return run(tsx, ["--conditions=react-server", "scripts/lumen.ts", ...args], { env: process.env });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!);

afterAll(async () => {
  await closeDatabase();
});

// 5 s alone, 31 s in the whole suite (each deletion batch waits for the refresh locks, which other
// files' refreshes hold), past 120 s with two suites running at once.
it("deletes a person's events with --wait, lists the jobs, and refuses two ids", { timeout: 300_000 }, async () => {
  const tenant = await createTenant();
  const now = Date.now();
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ name: "pageview", timestamp: new Date(now - 3_600_000), userId: "cli-person" }),
    eventRow({ name: "signup", timestamp: new Date(now - 3_000_000), userId: "cli-person" }),
    eventRow({ name: "pageview", timestamp: new Date(now - 3_600_000), userId: "cli-other" }),
  ]);

  const deleted = lastJson(
    (await lumen("privacy", "delete", "--project", tenant.projectId, "--user-id", "cli-person", "--wait", "--json"))
      .stdout,
  );
  expect(deleted).toMatchObject({
    project_id: tenant.projectId,
    status: "done",
    events_deleted: 2,
    id_kind: "user_id",
    person: personPseudonym(tenant.projectId, "user_id", "cli-person"),
    reason: "request",
  });
  const left = await getPool().query("SELECT user_id FROM events WHERE project_id = $1", [tenant.projectId]);
  expect(left.rows).toEqual([{ user_id: "cli-other" }]);

  const listed = await lumen("privacy", "deletions", "--project", tenant.projectId);
  expect(listed.stdout).toContain(`${deleted.id}  done  user id p_`);
  expect(listed.stdout).not.toContain("cli-person");

  const audit = await getPrisma().auditEntry.findMany({
    where: { projectId: tenant.projectId, action: { startsWith: "privacy." } },
    select: { action: true, actorKind: true, targetId: true },
    orderBy: { id: "asc" },
  });
  expect(audit).toEqual([
    { action: "privacy.person_deletion_requested", actorKind: "operator", targetId: deleted.id },
    { action: "privacy.person_deletion_finished", actorKind: "operator", targetId: deleted.id },
  ]);

  const refused = lumen("privacy", "delete", "--project", tenant.projectId, "--user-id", "a", "--anonymous-id", "b");
  await expect(refused).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("exactly one of user_id") });
});
