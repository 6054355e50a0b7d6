// Statement timeouts per surface, over real HTTP: a second process of the built app on the same
// database, configured with a 1 ms timeout for API keys and embeds (the app's stays at its default),
// answers a query that must read thousands of raw events with 503 query_timeout and Retry-After
// through the API and an embed, never a 500 or a hung request, while the same query answers for a
// signed-in member there and for the API key on the main server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../../testing/app-server";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { createEmbed } from "../embed/issue";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { ensureUserWithRole } from "../workspace/workspace";

const HOUR = 3_600_000;
/** Sessions are computed from raw events (window functions over every actor's events): far more than 1 ms of work. */
const sessionsQuery = { kind: "metric", measure: { type: "sessions" }, compare: false };

let tenant: Tenant;
let readKey: string;
let embedToken: string;
let cookie: string;
let tight: AppServer;

beforeAll(async () => {
  tenant = await createTenant();
  readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" })).key;
  const email = `member-${randomUUID().slice(0, 8)}@example.com`;
  const adminId = (await ensureUserWithRole(tenant.organizationId, { email, password: "member-password" }, "admin")).id;
  const now = Date.now();
  await ensureEventPartitions(getPool(), new Date(now - 3 * 24 * HOUR), new Date(now));
  const events = Array.from({ length: 20_000 }, (_, i) =>
    eventRow({
      name: i % 3 ? "pageview" : "click",
      timestamp: new Date(now - 2 * HOUR - (i % 2_000) * 30_000),
      userId: `u-${i % 500}`,
      path: `/p/${i % 50}`,
    }),
  );
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, events);
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Sessions",
      widgets: { create: [{ title: "Sessions", query: sessionsQuery, viz: { type: "metric" }, gridY: 0 }] },
    },
  });
  embedToken = (
    await createEmbed(
      { userId: adminId },
      { report_id: report.id, params: { range: { relative: "last_7_days" } }, expires_in: 3600 },
      testBaseUrl(),
    )
  ).token;
  cookie = await signInOverHttp(email, "member-password");
  tight = await startAppServer({ LUMEN_API_QUERY_TIMEOUT_MS: "1", LUMEN_EMBED_QUERY_TIMEOUT_MS: "1" });
}, 120_000);

afterAll(async () => {
  await tight?.stop();
  await closeDatabase();
});

function query(baseUrl: string, headers: Record<string, string>) {
  return fetch(`${baseUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ project_id: tenant.projectId, query: sessionsQuery, range: { relative: "last_7_days" } }),
  });
}

async function expectTimeout(response: Response, surface: string) {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("30");
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe("query_timeout");
  expect(error.message).toBe(
    `The query ran longer than the 0.001 s allowed for ${surface}; narrow its range or simplify it`,
  );
}

describe("statement_timeout per surface", () => {
  it("answers a read key's query that runs too long with 503 query_timeout", async () => {
    await expectTimeout(await query(tight.baseUrl, { authorization: `Bearer ${readKey}` }), "API keys");
  });

  it("answers an embed's query that runs too long the same way, on every data route", async () => {
    await expectTimeout(await fetch(`${tight.baseUrl}/api/v1/embed/${embedToken}/data`), "embeds");
    await expectTimeout(await fetch(`${tight.baseUrl}/api/v1/embed/${embedToken}/stream`), "embeds");
  });

  it("keeps the app's own, longer limit for a signed-in member on the same process", async () => {
    const response = await query(tight.baseUrl, { cookie });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { value: number } }).data.value).toBeGreaterThan(0);
  });

  it("answers the read key on a process with the default limits", async () => {
    expect((await query(testBaseUrl(), { authorization: `Bearer ${readKey}` })).status).toBe(200);
  });
});
