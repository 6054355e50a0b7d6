// The tracker snippet the dashboard shows a project without events, over real HTTP: it loads
// lumen.js from Lumen's origin as the browser reached it, https behind a TLS-terminating proxy.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { closeDatabase } from "../db/client";

let tenant: Tenant;
let viewer: SignedInMember;

beforeAll(async () => {
  tenant = await createTenant();
  viewer = await signedInMember(tenant.organizationId, "viewer");
});

afterAll(async () => {
  await closeDatabase();
});

/** The origin the overview page hands to its snippet (a prop in the page's server-rendered payload). */
async function snippetOrigin(headers: Record<string, string>): Promise<string | undefined> {
  const response = await fetch(`${testBaseUrl()}/projects/${tenant.projectId}`, {
    headers: { cookie: viewer.cookie, ...headers },
  });
  expect(response.status).toBe(200);
  return /\\"origin\\":\\"([^"\\]+)\\"/.exec(await response.text())?.[1];
}

it("uses https when the proxy in front says the browser used it", async () => {
  const host = new URL(testBaseUrl()).host;
  expect(await snippetOrigin({ "x-forwarded-proto": "https" })).toBe(`https://${host}`);
  expect(await snippetOrigin({ "x-forwarded-proto": "https", "x-forwarded-host": "stats.example.com" })).toBe(
    "https://stats.example.com",
  );
});

it("uses http only where the browser did", async () => {
  expect(await snippetOrigin({})).toBe(testBaseUrl());
});
