// Clickjacking over real HTTP: the app's own pages (and API answers) forbid every frame, while each
// embed page keeps its own frame-ancestors (its allowed origins, else any page).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { closeDatabase } from "../db/client";

let tenant: Tenant;
let admin: SignedInMember;
let reportId: string;

function get(path: string): Promise<Response> {
  return fetch(`${testBaseUrl()}${path}`, { headers: { cookie: admin.cookie }, redirect: "manual" });
}

async function createEmbed(allowedOrigins: string[]): Promise<string> {
  const response = await fetch(`${testBaseUrl()}/api/v1/embeds`, {
    method: "POST",
    headers: { cookie: admin.cookie, "content-type": "application/json" },
    body: JSON.stringify({ report_id: reportId, allowed_origins: allowedOrigins, expires_in: 3600 }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  tenant = await createTenant();
  admin = await signedInMember(tenant.organizationId, "admin");
  const report = await fetch(`${testBaseUrl()}/api/v1/projects/${tenant.projectId}/reports`, {
    method: "POST",
    headers: { cookie: admin.cookie, "content-type": "application/json" },
    body: JSON.stringify({ name: "Framed" }),
  });
  reportId = ((await report.json()) as { id: string }).id;
});

afterAll(async () => {
  await closeDatabase();
});

it("forbids framing the app's pages, redirects and API answers included", async () => {
  const paths = [
    "/",
    "/signin",
    "/setup",
    "/projects",
    `/projects/${tenant.projectId}`,
    `/projects/${tenant.projectId}/reports`,
    `/projects/${tenant.projectId}/reports/${reportId}`,
    `/projects/${tenant.projectId}/settings`,
    "/no-such-page",
    "/embed",
    "/api/health",
    `/api/v1/reports/${reportId}`,
  ];
  for (const path of paths) {
    const response = await get(path);
    expect({
      path,
      csp: response.headers.get("content-security-policy"),
      xfo: response.headers.get("x-frame-options"),
    }).toEqual({ path, csp: "frame-ancestors 'none'", xfo: "DENY" });
  }
});

it("lets an embed be framed by its allowed origins (and Lumen's own preview) only", async () => {
  const token = await createEmbed(["https://shop.example", "https://docs.example:8443"]);
  const response = await get(`/embed/${token}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-security-policy")).toBe(
    "frame-ancestors 'self' https://shop.example https://docs.example:8443",
  );
  expect(response.headers.get("x-frame-options")).toBeNull();
});

it("lets any page frame an embed that names no origins", async () => {
  const response = await get(`/embed/${await createEmbed([])}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-security-policy")).toBe("frame-ancestors *");
  expect(response.headers.get("x-frame-options")).toBeNull();
});
