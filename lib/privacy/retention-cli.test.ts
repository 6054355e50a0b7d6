// Retention from the operator CLI: set a project's months, and a dry run of what would go (the run
// itself is covered by retention.test.ts on a clock of its own: enforcing here, on today's clock,
// would reach into other tests' projects).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { createTenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";

const run = promisify(execFile);
const tsx = path.resolve("node_modules/.bin/tsx");

function lumen(...args: string[]) {
  return run(tsx, ["--conditions=react-server", "scripts/lumen.ts", ...args], { env: process.env });
}

afterAll(async () => {
  await closeDatabase();
});

it("sets a project's retention and shows in a dry run what would go", { timeout: 120_000 }, async () => {
  const tenant = await createTenant();
  const now = new Date();
  // One event two months back, one today: with one month of raw events kept, the older one would go.
  const old = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 15, 12));
  await getPool().query("SELECT lumen_ensure_event_partitions($1::date, $1::date)", [old.toISOString().slice(0, 10)]);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ name: "pageview", timestamp: old, userId: "u" }),
    eventRow({ name: "pageview", timestamp: now, userId: "u" }),
  ]);

  const set = await lumen(
    "set-retention",
    "--project",
    tenant.projectId,
    "--raw-months",
    "1",
    "--aggregate-months",
    "3",
    "--json",
  );
  expect(JSON.parse(set.stdout.trim().split("\n").pop()!)).toMatchObject({
    project_id: tenant.projectId,
    raw_events_months: 1,
    aggregates_months: 3,
  });

  const dryRun = await lumen("retention", "--dry-run", "--project", tenant.projectId, "--json");
  const plan = JSON.parse(dryRun.stdout.trim().split("\n").pop()!);
  expect(plan).toMatchObject({
    dry_run: true,
    partitions: [],
    projects: [{ project_id: tenant.projectId, raw_events: 1, event_rollups: 0 }],
  });
  const text = await lumen("retention", "--dry-run", "--project", tenant.projectId);
  expect(text.stdout).toContain("nothing is deleted");
  expect(text.stdout).toMatch(/would delete 1 raw events before/);
  const stored = await getPool().query("SELECT count(*)::int AS n FROM events WHERE project_id = $1", [
    tenant.projectId,
  ]);
  expect(stored.rows[0].n).toBe(2);

  // Aggregates for less time than raw events, or a project that is not one: refused, non-zero.
  for (const args of [
    ["set-retention", "--project", tenant.projectId, "--raw-months", "6"],
    ["set-retention", "--project", "not-a-project", "--raw-months", "6"],
    ["retention", "--project", tenant.projectId],
  ]) {
    const failure = await lumen(...args).catch((e: { code: number; stderr: string }) => e);
    expect(failure, args.join(" ")).toMatchObject({ code: 1 });
  }
  const refused = await lumen("set-retention", "--project", tenant.projectId, "--raw-months", "6").catch(
    (e: { stderr: string }) => e,
  );
  expect((refused as { stderr: string }).stderr).toMatch(/at least raw_events_months/);
});
