// Embeds in Chromium, inside a host page served from another origin by a tiny static server.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { expect, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { createEmbed } from "../lib/embed/issue";
import { signEmbedToken } from "../lib/embed/tokens";
import { writeEvents } from "../lib/ingest/write-events";
import { eventRow } from "../lib/ingest/event-row";
import { seedAnalystWorkspace, signIn } from "../lib/testing/analyst-workspace";
import { createTenant } from "../lib/testing/fixtures";
import { ensureUserWithRole } from "../lib/workspace/workspace";

let host: Server;
let hostOrigin = "";
const pages = new Map<string, string>();

test.beforeAll(async () => {
  host = createServer((req, res) => {
    const html = pages.get(req.url ?? "");
    res.writeHead(html ? 200 : 404, { "content-type": "text/html" }).end(html ?? "not found");
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostOrigin = `http://localhost:${(host.address() as { port: number }).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => host.close(resolve));
});

function purchase(customer: string) {
  return eventRow({ name: "purchase", timestamp: new Date(Date.now() - 3_600_000), userId: `u-${randomUUID()}`, properties: { customer_id: customer } });
}

async function seed() {
  const tenant = await createTenant();
  const admin = await ensureUserWithRole(tenant.organizationId, { email: `embed-${randomUUID().slice(0, 8)}@example.com`, password: "admin-password" }, "admin");
  const report = await getPrisma().report.create({
    data: { organizationId: tenant.organizationId, projectId: tenant.projectId, name: "Sales", widgets: { create: [{ title: "Purchases", query: { kind: "metric", event: "purchase", compare: false }, viz: { type: "metric" } }] } },
  });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [purchase("42"), purchase("42"), purchase("7")]);
  const secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
  return { tenant, adminId: admin.id, reportId: report.id, secret };
}

function hostPage(path: string, html: string): string {
  pages.set(path, `<!doctype html><html><body><h1>Customer app</h1>${html}</body></html>`);
  return `${hostOrigin}${path}`;
}

test("a report embedded by the loader script on another origin shows its data, sized and themed", async ({ page, baseURL }) => {
  const { adminId, reportId, tenant } = await seed();
  const embed = await createEmbed(adminId, { report_id: reportId, params: { range: { relative: "today" }, timezone: "UTC" }, theme: { mode: "dark" } }, baseURL!);
  await page.goto(hostPage("/loader", `<script src="${baseURL}/lumen-embed.js" data-src="${embed.url}" data-height="120" async></script>`));
  const frame = page.frameLocator("iframe");
  await expect(frame.getByTestId("embed-widget")).toContainText("3");
  await expect(frame.locator("#lumen-embed")).toHaveClass(/dark/);
  await expect.poll(async () => page.locator("iframe").evaluate((f) => (f as HTMLIFrameElement).style.height)).not.toBe("120px");

  // Live: events posted to the ingestion API show up in the iframe without a reload.
  const started = Date.now();
  const response = await page.request.post(`${baseURL}/api/v1/events`, {
    headers: { authorization: `Bearer ${tenant.writeKey}` },
    data: { events: [{ name: "purchase" }, { name: "purchase" }] },
  });
  expect(response.status()).toBe(202);
  await expect(frame.getByTestId("embed-widget")).toContainText("5", { timeout: 10_000 });
  console.log(`embed live update: ${Date.now() - started} ms from ingest request to the new number in the iframe`);
});

test("expired, tampered and revoked tokens show the error page, never data", async ({ page, baseURL }) => {
  const { adminId, reportId, tenant, secret } = await seed();
  const expired = await signEmbedToken(tenant.projectId, secret, { resource: { type: "report", id: reportId }, params: { filters: [] }, editable: [] }, new Date(Date.now() - 1000));
  const good = await createEmbed(adminId, { report_id: reportId }, baseURL!);
  const tampered = `${good.token.slice(0, -4)}AAAA`;
  const revoked = await createEmbed(adminId, { report_id: reportId }, baseURL!);
  await getPrisma().embedToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
  for (const [token, text] of [[expired, /expired/], [tampered, /not valid/], [revoked.token, /revoked/]] as const) {
    await page.goto(hostPage(`/bad-${randomUUID()}`, `<iframe src="${baseURL}/embed/${token}"></iframe>`));
    const frame = page.frameLocator("iframe");
    await expect(frame.getByTestId("embed-error")).toHaveText(text);
    await expect(frame.getByTestId("embed-widget")).toHaveCount(0);
  }
});

test("a customer-signed token shows only that customer's numbers, even when the URL asks for others", async ({ page, baseURL }) => {
  const { tenant, reportId, secret } = await seed();
  const token = await signEmbedToken(tenant.projectId, secret, {
    resource: { type: "report", id: reportId },
    params: { filters: [{ field: "properties.customer_id", op: "equals", value: "42" }], range: { relative: "today" }, timezone: "UTC" },
    editable: [],
  });
  await page.goto(hostPage("/customer", `<iframe src="${baseURL}/embed/${token}?f=properties.customer_id:equals:7&theme=light"></iframe>`));
  await expect(page.frameLocator("iframe").getByTestId("embed-widget")).toContainText("2");
  const response = await page.request.get(`${baseURL}/embed/${token}`);
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors");
  expect(response.headers()["cache-control"]).toContain("no-store");
});

test("an admin creates an embed from the report page and sees it in the live preview", async ({ page }) => {
  const ws = await seedAnalystWorkspace("admin");
  const report = await getPrisma().report.create({
    data: { organizationId: ws.organizationId, projectId: ws.projectId, name: "Shared", widgets: { create: [{ title: "Pageviews", query: { kind: "metric", event: "pageview", compare: false }, viz: { type: "metric" } }] } },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await page.getByRole("button", { name: "Embed", exact: true }).click();
  await page.getByRole("button", { name: "Create embed" }).click();
  await expect(page.getByLabel("Iframe", { exact: true })).toHaveValue(/<iframe src="http[^"]+\/embed\//);
  await expect(page.getByLabel("Script (auto-resizing)")).toHaveValue(/lumen-embed\.js/);
  await expect(page.frameLocator('iframe[title="Embed preview"]').getByTestId("embed-widget")).toContainText("4");
  expect(await getPrisma().embedToken.count({ where: { reportId: report.id } })).toBe(1);
});
