// The operator CLI end to end: create an organization, user, project and key, then ingest with that key.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it, vi } from "vitest";
import { postEvents } from "../../testing/fixtures";
import { verifyPassword } from "../auth/password";
import { closeDatabase, getPrisma } from "../db/client";

const run = promisify(execFile);
const tsx = path.resolve("node_modules/.bin/tsx");

async function lumen(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(tsx, ["--conditions=react-server", "scripts/lumen.ts", ...args, "--json"], {
    env: process.env,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

// Each step starts a CLI process (tsx compiles the CLI, which then connects and works): several
// seconds each on a loaded two-core machine, so these tests get more than the default 30 s.
vi.setConfig({ testTimeout: 120_000 });

afterAll(async () => {
  await closeDatabase();
});

it("creates a workspace whose write key ingests", async () => {
  const slug = `cli-${randomUUID().slice(0, 8)}`;
  const org = await lumen("create-org", "--name", "CLI Inc", "--slug", slug);
  expect(org).toMatchObject({ slug });

  const email = `${slug}@example.com`;
  const user = await lumen(
    "create-user",
    "--email",
    email,
    "--password",
    "correct horse battery",
    "--org",
    slug,
    "--role",
    "analyst",
  );
  expect(user).toMatchObject({ email, role: "analyst" });
  const stored = await getPrisma().user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
  expect(await verifyPassword("correct horse battery", stored.passwordHash!)).toBe(true);
  expect(stored.memberships).toEqual([expect.objectContaining({ organizationId: org.org_id, role: "analyst" })]);

  const project = await lumen("create-project", "--org", slug, "--name", "Docs site", "--timezone", "America/New_York");
  expect(project).toMatchObject({ timezone: "America/New_York" });

  const key = await lumen(
    "create-key",
    "--project",
    String(project.project_id),
    "--kind",
    "write",
    "--rate-limit",
    "700",
    "--event-rate-limit",
    "3000",
  );
  expect(String(key.key)).toMatch(/^lmw_/);
  expect(await getPrisma().apiKey.findUniqueOrThrow({ where: { id: String(key.key_id) } })).toMatchObject({
    rateLimit: 700,
    eventRateLimit: 3000,
  });
  const response = await postEvents({ name: "from-cli-key" }, { key: String(key.key) });
  expect(response.status).toBe(202);
  const events = await getPrisma().event.findMany({ where: { projectId: String(project.project_id) } });
  expect(events.map((e) => [e.name, e.organizationId])).toEqual([["from-cli-key", org.org_id]]);
});

it("reports bad input clearly and exits non-zero", async () => {
  const failure = await run(
    tsx,
    [
      "--conditions=react-server",
      "scripts/lumen.ts",
      "create-project",
      "--org",
      "no-such-org-anywhere",
      "--name",
      "x",
      "--json",
    ],
    { env: process.env },
  ).catch((e: { code: number; stderr: string }) => e);
  expect(failure).toMatchObject({ code: 1 });
  expect((failure as { stderr: string }).stderr).toMatch(/No organization "no-such-org-anywhere"/);
});

it("loads an idempotent demo workspace", async () => {
  const slug = `demo-${randomUUID().slice(0, 8)}`;
  const first = await lumen("demo", "--org", slug, "--events", "3000");
  expect(first).toMatchObject({
    org_id: expect.any(String),
    project_id: expect.any(String),
    write_key: expect.stringMatching(/^lmw_/),
    read_key: expect.stringMatching(/^lmr_/),
    user: { email: expect.any(String), password: expect.any(String) },
  });
  const second = await lumen("demo", "--org", slug, "--events", "3000");
  expect(second).toEqual(first);
  const events = await getPrisma().event.findMany({
    where: { projectId: String(first.project_id) },
    select: { name: true, userId: true, anonymousId: true },
  });
  expect(events).toHaveLength(3000);
  const names = new Set(events.map((e) => e.name));
  expect([...names]).toEqual(expect.arrayContaining(["pageview", "signup", "purchase"]));
  expect(new Set(events.map((e) => e.anonymousId)).size).toBeGreaterThan(50);
});
