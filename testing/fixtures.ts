// Test fixtures: each test seeds its own organization, so tests never see each other's data.
import { randomUUID } from "node:crypto";
import { createApiKey } from "../lib/auth/api-keys";
import { hashPassword } from "../lib/auth/password";
import { TEST_NOW_HEADER } from "../lib/clock";
import { getPrisma } from "../lib/db/client";
import type { Role } from "../lib/workspace/schemas";
import { createProject, ensureOrganization } from "../lib/workspace/workspace";

export function testBaseUrl(): string {
  const url = process.env.LUMEN_TEST_BASE_URL;
  if (!url) throw new Error("Run tests through `npm test`, which starts the app and sets LUMEN_TEST_BASE_URL");
  return url;
}

/**
 * `hours` past midnight UTC, `daysAgo` days before `now`'s day. At 10:00-12:00 UTC it is daytime from
 * the Americas to Asia (New York 05:00-08:00, Paris 11:00-14:00, Kolkata 15:30-17:30), so events
 * placed there fall in one local day, week and month of every zone the tests use, whatever time the
 * suite runs at; events at `now` minus a few minutes or hours do not, from late evening on.
 */
export function daysAgoAt(daysAgo: number, hours: number, now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo) + hours * 3_600_000);
}

/**
 * Headers that hold a test server's clock at `now` for a request (X-Lumen-Test-Now, lib/clock.ts):
 * "today" and the other relative ranges are resolved there. A test that asks for "today" holds it
 * at a daytime instant with its events earlier that day: events stamped at the real now and read a
 * moment later fall in another day when midnight passes in between.
 */
export function heldClock(now: Date): Record<string, string> {
  return { [TEST_NOW_HEADER]: now.toISOString() };
}

export interface Tenant {
  organizationId: string;
  projectId: string;
  writeKey: string;
  writeKeyId: string;
}

export async function createTenant(
  keyOptions: { allowedOrigins?: string[]; rateLimit?: number; eventRateLimit?: number } = {},
): Promise<Tenant> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const org = await ensureOrganization({ name: `Test ${slug}`, slug });
  const project = await createProject(org.id, { name: "Site", timezone: "Europe/Paris" });
  const key = await createApiKey({
    organizationId: org.id,
    projectId: project.id,
    kind: "write",
    name: "test",
    ...keyOptions,
  });
  return { organizationId: org.id, projectId: project.id, writeKey: key.key, writeKeyId: key.id };
}

export async function postEvents(
  body: unknown,
  init: { key?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<Response> {
  return fetch(`${testBaseUrl()}/api/v1/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...init.headers,
    },
    body: init.raw ?? JSON.stringify(body),
  });
}

const memberPasswordHashes = new Map<string, Promise<string>>();

/**
 * The cost of test members' password hashes. The server checks a password at the cost its hash was
 * made with, so at the production cost (about a second of CPU) every failed attempt in a test cost
 * a second too: at load 28 the throttling tests' six attempts ran past 30 s. A successful sign-in
 * still re-hashes at the production cost, as for any older hash.
 */
const MEMBER_SCRYPT_PARAMS = { N: 2 ** 14, r: 8, p: 1 };

/** A new user with a role in the organization, who signs in with `password`. */
export async function createMember(
  organizationId: string,
  role: Role,
  password = "member-password-123",
): Promise<{ id: string; email: string; password: string }> {
  let passwordHash = memberPasswordHashes.get(password);
  if (!passwordHash) {
    passwordHash = hashPassword(password, MEMBER_SCRYPT_PARAMS);
    memberPasswordHashes.set(password, passwordHash);
  }
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const prisma = getPrisma();
  const user = await prisma.user.create({ data: { email, passwordHash: await passwordHash } });
  await prisma.membership.create({ data: { organizationId, userId: user.id, role } });
  return { id: user.id, email, password };
}

/**
 * How long a test waits for a person's deletion job to finish: each batch takes both rollup refresh
 * locks, so it waits out any refresh under way; on a two-core machine at load 25 one took over 15 s.
 * A condition is awaited, so the limit costs nothing when the job is quick.
 */
export const DELETION_JOB_WAIT_MS = 90_000;
