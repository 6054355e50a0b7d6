// Embeds in Chromium, inside a host page served from another origin by a tiny static server.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { expect, type Page, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { createEmbed } from "../lib/embed/issue";
import { signEmbedToken } from "../lib/embed/tokens";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { createMember, createTenant } from "../testing/fixtures";

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

/**
 * An hour ago, read over the last 24 hours: no midnight falls between these purchases, the live ones
 * posted later and the page's query (with "today", a run across midnight UTC found them in yesterday).
 */
function purchase(customer: string) {
  return eventRow({
    name: "purchase",
    timestamp: new Date(Date.now() - 3_600_000),
    userId: `u-${randomUUID()}`,
    properties: { customer_id: customer },
  });
}

async function seed() {
  const tenant = await createTenant();
  const admin = await createMember(tenant.organizationId, "admin");
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Sales",
      widgets: {
        create: [
          { title: "Purchases", query: { kind: "metric", event: "purchase", compare: false }, viz: { type: "metric" } },
        ],
      },
    },
  });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    purchase("42"),
    purchase("42"),
    purchase("7"),
  ]);
  const secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
  return { tenant, adminId: admin.id, reportId: report.id, secret };
}

function hostPage(path: string, html: string): string {
  pages.set(path, `<!doctype html><html><body><h1>Customer app</h1>${html}</body></html>`);
  return `${hostOrigin}${path}`;
}

test("a report embedded by the loader script on another origin shows its data, sized and themed", async ({
  page,
  baseURL,
}) => {
  const { adminId, reportId, tenant } = await seed();
  const embed = await createEmbed(
    { userId: adminId },
    { report_id: reportId, params: { range: { relative: "last_24_hours" }, timezone: "UTC" }, theme: { mode: "dark" } },
    baseURL!,
  );
  await page.goto(
    hostPage(
      "/loader",
      `<script src="${baseURL}/lumen-embed.js" data-src="${embed.url}" data-height="120" async></script>`,
    ),
  );
  const frame = page.frameLocator("iframe");
  await expect(frame.getByTestId("embed-widget")).toContainText("3");
  await expect(frame.locator("#lumen-embed")).toHaveClass(/dark/);
  await expect
    .poll(async () => page.locator("iframe").evaluate((f) => (f as HTMLIFrameElement).style.height))
    .not.toBe("120px");

  // Live: events posted to the ingestion API show up in the iframe without a reload.
  const started = Date.now();
  const response = await page.request.post(`${baseURL}/api/v1/events`, {
    headers: { authorization: `Bearer ${tenant.writeKey}` },
    data: { events: [{ name: "purchase" }, { name: "purchase" }] },
  });
  expect(response.status()).toBe(202);
  await expect(frame.getByTestId("embed-widget")).toContainText("5");
  console.log(`embed live update: ${Date.now() - started} ms from ingest request to the new number in the iframe`);
});

test("expired, tampered and revoked tokens show the error page, never data", async ({ page, baseURL }) => {
  const { adminId, reportId, tenant, secret } = await seed();
  const expired = await signEmbedToken(
    tenant.projectId,
    secret,
    { resource: { type: "report", id: reportId }, params: { filters: [] }, editable: [] },
    new Date(Date.now() - 1000),
  );
  const good = await createEmbed({ userId: adminId }, { report_id: reportId }, baseURL!);
  const tampered = `${good.token.slice(0, -4)}AAAA`;
  const revoked = await createEmbed({ userId: adminId }, { report_id: reportId }, baseURL!);
  await getPrisma().embedToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
  for (const [token, text] of [
    [expired, /expired/],
    [tampered, /not valid/],
    [revoked.token, /revoked/],
  ] as const) {
    await page.goto(hostPage(`/bad-${randomUUID()}`, `<iframe src="${baseURL}/embed/${token}"></iframe>`));
    const frame = page.frameLocator("iframe");
    await expect(frame.getByTestId("embed-error")).toHaveText(text);
    await expect(frame.getByTestId("embed-widget")).toHaveCount(0);
  }
});

test("a customer-signed token shows only that customer's numbers, even when the URL asks for others", async ({
  page,
  baseURL,
}) => {
  const { tenant, reportId, secret } = await seed();
  const token = await signEmbedToken(
    tenant.projectId,
    secret,
    {
      resource: { type: "report", id: reportId },
      params: {
        filters: [{ field: "properties.customer_id", op: "equals", value: "42" }],
        range: { relative: "last_24_hours" },
        timezone: "UTC",
      },
      editable: [],
    },
    new Date(Date.now() + 3_600_000),
  );
  await page.goto(
    hostPage(
      "/customer",
      `<iframe src="${baseURL}/embed/${token}?f=properties.customer_id:equals:7&theme=light"></iframe>`,
    ),
  );
  await expect(page.frameLocator("iframe").getByTestId("embed-widget")).toContainText("2");
  const response = await page.request.get(`${baseURL}/embed/${token}`);
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors");
  expect(response.headers()["cache-control"]).toContain("no-store");
});

test("an embed locked to a segment tells the viewer which one, and shows only its numbers", async ({
  page,
  baseURL,
}) => {
  const { tenant, reportId, secret } = await seed();
  const segment = await getPrisma().segment.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Customer 42",
      filters: [{ field: "properties.customer_id", op: "equals", value: "42" }],
    },
  });
  const token = await signEmbedToken(
    tenant.projectId,
    secret,
    {
      resource: { type: "report", id: reportId },
      params: { segment: segment.id, range: { relative: "last_24_hours" }, timezone: "UTC" },
      editable: [],
    },
    new Date(Date.now() + 3_600_000),
  );
  await page.goto(`${baseURL}/embed/${token}?theme=light`);
  await expect(page.getByTestId("embed-segment")).toHaveText("Segment: Customer 42");
  await expect(page.getByTestId("embed-widget")).toContainText("2");
});

test("an admin creates an embed from the report page and sees it in the live preview", async ({ page }) => {
  const ws = await seedAnalystWorkspace("admin");
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Shared",
      widgets: {
        create: [
          { title: "Pageviews", query: { kind: "metric", event: "pageview", compare: false }, viz: { type: "metric" } },
        ],
      },
    },
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

// ---- What the viewer and the host page can do with an embed ----

const HOUR = 3_600_000;

function sale(customer: string, country: string, hoursAgo = 1) {
  return eventRow({
    name: "purchase",
    timestamp: new Date(Date.now() - hoursAgo * HOUR),
    userId: `u-${randomUUID()}`,
    country,
    properties: { customer_id: customer },
  });
}

/** Customer 42: DE 2, FR 1 in the last 24 hours, one more DE three days ago; customer 7: US 2, GB 1. */
async function seedShop() {
  const tenant = await createTenant();
  const admin = await createMember(tenant.organizationId, "admin");
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Shop",
      widgets: {
        create: [
          {
            title: "Purchases",
            query: { kind: "metric", event: "purchase", compare: false },
            viz: { type: "metric" },
            gridY: 0,
          },
          {
            title: "By country",
            query: { kind: "breakdown", event: "purchase", dimension: "country" },
            viz: { type: "bar" },
            gridY: 1,
          },
        ],
      },
    },
    include: { widgets: true },
  });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    sale("42", "DE"),
    sale("42", "DE"),
    sale("42", "FR"),
    sale("42", "DE", 72),
    sale("7", "US"),
    sale("7", "US"),
    sale("7", "GB"),
  ]);
  const secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
  const customer42 = {
    filters: [{ field: "properties.customer_id" as const, op: "equals" as const, value: "42" }],
    range: { relative: "last_24_hours" as const },
    timezone: "UTC",
  };
  const byCountryId = report.widgets.find((w) => w.title === "By country")!.id;
  return { tenant, adminId: admin.id, reportId: report.id, byCountryId, secret, customer42 };
}

/** The big number of the "Purchases" metric, in a page or a frame. */
const purchases = (scope: Pick<Page, "getByRole">) =>
  scope.getByRole("region", { name: "Purchases" }).getByText(/^\d+$/);

/** A host page that records every Lumen message it receives and embeds through the loader script. */
function recordingHost(baseURL: string, embedUrl: string): string {
  return hostPage(
    `/host-${randomUUID()}`,
    `<script>window.received = []; addEventListener("message", (e) => { if (e.data && e.data.lumen === 1) received.push(e.data); });</script>
     <script src="${baseURL}/lumen-embed.js" data-src="${embedUrl}" async></script>`,
  );
}

async function send(page: Page, type: string, fields: Record<string, unknown> = {}) {
  await page.waitForFunction(
    () => !!(document.querySelector("iframe") as (HTMLIFrameElement & { lumen?: unknown }) | null)?.lumen,
  );
  await page.evaluate(
    ([t, f]) =>
      (
        document.querySelector("iframe") as unknown as { lumen: { send(type: string, fields: unknown): void } }
      ).lumen.send(t, f),
    [type, fields] as const,
  );
}

function received(page: Page, type: string): Promise<Record<string, unknown>[]> {
  return page.evaluate(
    (t) => (window as unknown as { received: Record<string, unknown>[] }).received.filter((m) => m.type === t),
    type,
  );
}

test("a viewer narrows an editable embed with its filter bar, and the URL may preset only editable choices", async ({
  page,
  baseURL,
}) => {
  const { adminId, reportId, customer42 } = await seedShop();
  const embed = await createEmbed(
    { userId: adminId },
    { report_id: reportId, params: customer42, editable: ["range", "country"] },
    baseURL!,
  );
  await page.goto(
    hostPage(`/filters-${randomUUID()}`, `<iframe src="${embed.url}" style="width:100%;height:600px"></iframe>`),
  );
  const frame = page.frameLocator("iframe");
  await expect(purchases(frame)).toHaveText("3");
  // The value list comes from the server under the token's locks: never another customer's countries.
  // Countries read as names; the options' values (and the filter sent) stay codes.
  await expect(frame.getByRole("combobox", { name: "Country", exact: true }).locator("option")).toHaveText([
    "All",
    "Germany",
    "France",
  ]);
  // The range the embed shows until the viewer picks one is named: the token's locked range.
  await expect(frame.getByRole("combobox", { name: "Date range" }).locator("option").first()).toHaveText(
    "Last 24 hours (default)",
  );
  await frame.getByRole("combobox", { name: "Country", exact: true }).selectOption("DE");
  await expect(purchases(frame)).toHaveText("2");
  await frame.getByRole("combobox", { name: "Date range" }).selectOption("last_7_days");
  await expect(purchases(frame)).toHaveText("3");
  // Keyboard: the controls are labelled and in order.
  await frame.getByRole("combobox", { name: "Date range" }).focus();
  await page.keyboard.press("Tab");
  await expect(frame.getByRole("combobox", { name: "Country", exact: true })).toBeFocused();

  // Initial state from the URL: editable fields apply, the rest is ignored.
  await page.goto(`${embed.url}?range=last_7_days&filter.country=DE&filter.browser=Firefox`);
  await expect(purchases(page)).toHaveText("3");
  await expect(page.getByRole("combobox", { name: "Country", exact: true })).toHaveValue("DE");
  const rangeLocked = await createEmbed(
    { userId: adminId },
    { report_id: reportId, params: customer42, editable: ["country"] },
    baseURL!,
  );
  await page.goto(`${rangeLocked.url}?range=last_7_days&filter.properties.customer_id=7`);
  await expect(purchases(page)).toHaveText("3");
  await expect(page.getByRole("combobox", { name: "Date range" })).toHaveCount(0);
});

test("the host page sets the theme and filters, refreshes, and hears what changed", async ({ page, baseURL }) => {
  const { tenant, adminId, reportId, customer42 } = await seedShop();
  const embed = await createEmbed(
    { userId: adminId },
    { report_id: reportId, params: customer42, editable: ["country"], allowed_origins: [hostOrigin] },
    baseURL!,
  );
  await page.goto(recordingHost(baseURL!, embed.url));
  const frame = page.frameLocator("iframe");
  await expect(purchases(frame)).toHaveText("3");
  await expect
    .poll(() => received(page, "ready"))
    .toContainEqual(
      expect.objectContaining({ lumen: 1, editable: ["country"], downloads: false, range: null, filters: {} }),
    );
  expect((await received(page, "loaded"))[0]).toMatchObject({ duration_ms: expect.any(Number) });

  await send(page, "set-theme", { mode: "dark" });
  await expect(frame.locator("#lumen-embed")).toHaveClass(/dark/);
  await send(page, "set-theme", { mode: "light" });
  await expect(frame.locator("#lumen-embed")).not.toHaveClass(/dark/);

  // Only editable fields apply; the rest are refused by name.
  await page.evaluate(() =>
    document
      .querySelector("iframe")!
      .addEventListener(
        "lumen:filter-changed",
        (e) => ((window as unknown as { changed: unknown }).changed = (e as CustomEvent).detail),
      ),
  );
  await send(page, "set-filter", {
    range: { relative: "last_7_days" },
    filters: { country: "DE", browser: "Firefox" },
  });
  await expect(purchases(frame)).toHaveText("2");
  await expect(frame.getByRole("combobox", { name: "Country", exact: true })).toHaveValue("DE");
  await expect
    .poll(() => received(page, "filter-changed"))
    .toEqual([{ lumen: 1, type: "filter-changed", range: null, filters: { country: "DE" } }]);
  expect(await page.evaluate(() => (window as unknown as { changed: unknown }).changed)).toMatchObject({
    filters: { country: "DE" },
  });
  expect(await received(page, "error")).toEqual([
    expect.objectContaining({ code: "not_editable", action: "set-filter", fields: ["range", "browser"] }),
  ]);
  await send(page, "set-filter", { filters: { country: 42 } });
  await expect
    .poll(async () => (await received(page, "error")).map((m) => m.code))
    .toEqual(["not_editable", "invalid_message"]);

  // A row written behind the stream's back (no NOTIFY): the live feed never hears of it, and
  // "refresh" reads the data again, which brings it.
  await getPool().query(
    `INSERT INTO events (organization_id, project_id, event_id, name, "timestamp", user_id, country, properties) VALUES ($1, $2, $3, 'purchase', now() - interval '1 hour', 'u-backfill', 'DE', '{"customer_id":"42"}')`,
    [tenant.organizationId, tenant.projectId, randomUUID()],
  );
  await expect(purchases(frame)).toHaveText("2");
  const reread = page.waitForResponse((response) =>
    /^\/api\/v1\/embed\/[^/]+\/data$/.test(new URL(response.url()).pathname),
  );
  await send(page, "refresh");
  expect((await reread).status()).toBe(200);
  await expect(purchases(frame)).toHaveText("3");
});

test("set-token renews a customer-signed token without a reload, keeping the viewer's filters", async ({
  page,
  baseURL,
}) => {
  const { tenant, reportId, secret, customer42 } = await seedShop();
  const claims = {
    resource: { type: "report" as const, id: reportId },
    params: customer42,
    editable: ["country" as const],
    downloads: true,
  };
  // Long enough to load, filter and renew on a busy machine (checked below): the renewal must land
  // before it. The pages' clock is the test's, which moves it past this expiry further down.
  const firstExpiry = Date.now() + 10 * 60_000;
  const first = await signEmbedToken(tenant.projectId, secret, claims, new Date(firstExpiry));
  await page.clock.install();
  await page.goto(recordingHost(baseURL!, `${baseURL}/embed/${first}`));
  const frame = page.frameLocator("iframe");
  await send(page, "set-filter", { filters: { country: "DE" } });
  await expect(purchases(frame)).toHaveText("2");

  // A token for another report is refused; the embed keeps the one it has.
  const other = await getPrisma().report.create({
    data: { organizationId: tenant.organizationId, projectId: tenant.projectId, name: "Other" },
  });
  await send(page, "set-token", {
    token: await signEmbedToken(
      tenant.projectId,
      secret,
      { ...claims, resource: { type: "report", id: other.id } },
      new Date(Date.now() + HOUR),
    ),
  });
  await expect
    .poll(() => received(page, "error"))
    .toEqual([expect.objectContaining({ code: "wrong_resource", action: "set-token" })]);

  const renewed = await signEmbedToken(tenant.projectId, secret, claims, new Date(Date.now() + HOUR));
  await send(page, "set-token", { token: renewed });
  // The embed now asks with the new token (its download links show which), and kept the viewer's filter.
  await expect(frame.getByRole("link", { name: "Download Purchases as CSV" })).toHaveAttribute(
    "href",
    new RegExp(`/api/v1/embed/${renewed}/csv\\?filter\\.country=DE&widget=`),
  );
  await expect(frame.getByRole("combobox", { name: "Country", exact: true })).toHaveValue("DE");
  expect(Date.now(), "the renewal landed before the first token expired").toBeLessThan(firstExpiry);

  // Past the first token's expiry, for the embed: no token-expired (a hello's answer, posted after
  // anything the expiry would have posted, has arrived), and still live on the new token.
  await page.clock.fastForward(firstExpiry - Date.now() + 1_000);
  const embedFrame = page.frames().find((frame) => frame.url().includes("/embed/"))!;
  expect(await embedFrame.evaluate(() => Date.now())).toBeGreaterThan(firstExpiry);
  const ready = (await received(page, "ready")).length;
  await send(page, "hello");
  await expect.poll(async () => (await received(page, "ready")).length).toBe(ready + 1);
  expect(await received(page, "token-expired")).toEqual([]);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [sale("42", "DE"), sale("42", "FR")]);
  await expect(purchases(frame)).toHaveText("3");
});

test("an embed open when its token expires tells the host, which can renew it", async ({ page, baseURL }) => {
  // It waits for a real expiry, which a busy machine may push out (below).
  test.setTimeout(240_000);
  const { tenant, reportId, secret, customer42 } = await seedShop();
  const claims = { resource: { type: "report" as const, id: reportId }, params: customer42 };
  // Really expiring (the data API is asked below), so the embed must load before it does: 15 s is
  // plenty on an idle machine; where a busy one loads it later, the test starts again on a token
  // that lives twice as long.
  const frame = page.frameLocator("iframe");
  let lifetime = 15_000;
  let token: string;
  for (;;) {
    const expiry = Date.now() + lifetime;
    token = await signEmbedToken(tenant.projectId, secret, claims, new Date(expiry));
    await page.goto(recordingHost(baseURL!, `${baseURL}/embed/${token}`));
    await expect(purchases(frame)).toHaveText("3");
    if (Date.now() < expiry) break;
    lifetime *= 2;
  }
  await expect.poll(() => received(page, "token-expired"), { timeout: lifetime + 30_000 }).toHaveLength(1);
  await expect(frame.getByTestId("embed-notice")).toHaveText("This embed link has expired.");
  // The data API says the same to anyone still holding the old token.
  const stale = await page.request.get(`${baseURL}/api/v1/embed/${token}/data`);
  expect(stale.status()).toBe(401);
  expect((await stale.json()).error.details).toEqual([{ path: "token", message: "expired" }]);

  await send(page, "set-token", {
    token: await signEmbedToken(tenant.projectId, secret, claims, new Date(Date.now() + HOUR)),
  });
  await expect(frame.getByTestId("embed-notice")).toHaveCount(0);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [sale("42", "FR")]);
  await expect(purchases(frame)).toHaveText("4");
});

test("an embed open when an admin revokes it in settings stops at once and tells its host", async ({
  page,
  context,
  baseURL,
}) => {
  const ws = await seedAnalystWorkspace("admin");
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Revocable",
      widgets: {
        create: [
          { title: "Purchases", query: { kind: "metric", event: "pageview", compare: false }, viz: { type: "metric" } },
        ],
      },
    },
  });
  const admin = await getPrisma().user.findUniqueOrThrow({ where: { email: ws.email } });
  const embed = await createEmbed({ userId: admin.id }, { report_id: report.id }, baseURL!);
  await page.goto(recordingHost(baseURL!, embed.url));
  const frame = page.frameLocator("iframe");
  await expect(purchases(frame)).toHaveText("4");

  const settings = await context.newPage();
  await signIn(settings, ws.email, ws.password);
  await settings.goto(`/projects/${ws.projectId}/settings`);
  // The list says what each embed shows.
  await expect(settings.getByRole("region", { name: "Embed tokens" })).toContainText("Report “Revocable”");
  await settings
    .getByRole("region", { name: "Embed tokens" })
    .getByRole("button", { name: "Revoke", exact: true })
    .click();
  await expect(settings.getByRole("region", { name: "Embed tokens" })).toContainText("revoked");

  // The open stream ends with "revoked": the notice shows and the host hears why, without a reload.
  await expect(frame.getByTestId("embed-notice")).toHaveText("This embed link has been revoked.");
  await expect
    .poll(() => received(page, "error"))
    .toContainEqual(expect.objectContaining({ code: "forbidden", message: "This embed link has been revoked." }));
  expect(await received(page, "token-expired")).toEqual([]);
});

for (const days of [30, 365]) {
  test(`an embed expiring in ${days} days stays live: filters and live updates work, no expiry notice`, async ({
    page,
    baseURL,
  }) => {
    // Past setTimeout's 2^31-1 ms (24.8 days), a timer armed with the time left fired at once.
    const { tenant, adminId, reportId, customer42 } = await seedShop();
    const embed = await createEmbed(
      { userId: adminId },
      { report_id: reportId, params: customer42, editable: ["country"], expires_in: days * 86_400 },
      baseURL!,
    );
    await page.goto(recordingHost(baseURL!, embed.url));
    const frame = page.frameLocator("iframe");
    await expect(purchases(frame)).toHaveText("3");
    await frame.getByRole("combobox", { name: "Country", exact: true }).selectOption("DE");
    await expect(purchases(frame)).toHaveText("2");
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [sale("42", "DE")]);
    await expect(purchases(frame)).toHaveText("3");
    // The update came through the live feed after mount, so an expiry timer armed then has long run.
    await expect(frame.getByTestId("embed-notice")).toHaveCount(0);
    expect(await received(page, "token-expired")).toEqual([]);
  });
}

test("CSV downloads carry the locks and choices, and exist only where the embed allows them", async ({
  page,
  baseURL,
}) => {
  const { adminId, reportId, byCountryId, customer42 } = await seedShop();
  const allowed = await createEmbed(
    { userId: adminId },
    { report_id: reportId, params: customer42, editable: ["country"], downloads: true },
    baseURL!,
  );
  await page.goto(`${allowed.url}?filter.country=FR`);
  const link = page.getByRole("link", { name: "Download By country as CSV" });
  await link.focus();
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  expect(download.suggestedFilename()).toBe("by-country.csv");
  expect(await readFile((await download.path())!, "utf8")).toBe("Country,Events\nFR,1\n");

  const refused = await createEmbed({ userId: adminId }, { report_id: reportId, params: customer42 }, baseURL!);
  await page.goto(refused.url);
  await expect(purchases(page)).toHaveText("3");
  await expect(page.getByRole("link", { name: /as CSV/ })).toHaveCount(0);
  const response = await page.request.get(`${baseURL}/api/v1/embed/${refused.token}/csv?widget=${byCountryId}`);
  expect(response.status()).toBe(403);
});

test("frame-ancestors follows each stored embed's allowed origins, and the browser enforces it", async ({
  page,
  baseURL,
}) => {
  const { adminId, reportId, customer42 } = await seedShop();
  const open = await createEmbed({ userId: adminId }, { report_id: reportId, params: customer42 }, baseURL!);
  const mine = await createEmbed(
    { userId: adminId },
    { report_id: reportId, params: customer42, allowed_origins: [hostOrigin] },
    baseURL!,
  );
  const elsewhere = await createEmbed(
    { userId: adminId },
    {
      report_id: reportId,
      params: customer42,
      allowed_origins: ["https://app.example.com", "https://admin.example.com/"],
    },
    baseURL!,
  );
  const headers = async (url: string) => (await page.request.get(url)).headers();
  expect((await headers(open.url))["content-security-policy"]).toBe("frame-ancestors *");
  expect((await headers(mine.url))["content-security-policy"]).toBe(`frame-ancestors 'self' ${hostOrigin}`);
  const restricted = await headers(elsewhere.url);
  expect(restricted["content-security-policy"]).toBe(
    "frame-ancestors 'self' https://app.example.com https://admin.example.com",
  );
  expect(restricted["cache-control"]).toContain("no-store");
  expect(restricted["referrer-policy"]).toBe("no-referrer");

  await page.goto(
    hostPage(
      `/frames-${randomUUID()}`,
      `<iframe title="mine" src="${mine.url}"></iframe><iframe title="elsewhere" src="${elsewhere.url}"></iframe>`,
    ),
  );
  await expect(purchases(page.frameLocator('iframe[title="mine"]'))).toHaveText("3");
  await expect(page.frameLocator('iframe[title="elsewhere"]').getByTestId("embed-widget")).toHaveCount(0);
});

test("without EventSource the embed polls the data endpoint and stays live", async ({ page, baseURL }) => {
  const { tenant, adminId, reportId, customer42 } = await seedShop();
  const embed = await createEmbed({ userId: adminId }, { report_id: reportId, params: customer42 }, baseURL!);
  await page.addInitScript(() => {
    delete (window as { EventSource?: unknown }).EventSource;
  });
  await page.goto(hostPage(`/poll-${randomUUID()}`, `<iframe src="${embed.url}"></iframe>`));
  const frame = page.frameLocator("iframe");
  await expect(purchases(frame)).toHaveText("3");
  await expect(frame.locator("[data-feed]")).toHaveAttribute("data-feed", "polling");
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [sale("42", "DE")]);
  await expect(purchases(frame)).toHaveText("4");
});

test("an admin embeds one widget with editable filters, downloads and allowed sites from the dialog", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace("admin");
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Two widgets",
      widgets: {
        create: [
          {
            title: "Pageviews",
            query: { kind: "metric", event: "pageview", compare: false },
            viz: { type: "metric" },
            gridY: 0,
          },
          {
            title: "Signups",
            query: { kind: "metric", event: "signup", compare: false },
            viz: { type: "metric" },
            gridY: 1,
          },
        ],
      },
    },
    include: { widgets: true },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await page.getByRole("button", { name: "Embed", exact: true }).click();
  await page.getByLabel("What to embed").selectOption({ label: "Widget: Signups" });
  await page.getByRole("group", { name: "Viewers may change" }).getByLabel("Country", { exact: true }).check();
  await page.getByLabel("Allow CSV downloads").check();
  await page.getByLabel(/Allowed sites/).fill("https://app.example.com");
  await page.getByRole("button", { name: "Create embed" }).click();
  const preview = page.frameLocator('iframe[title="Embed preview"]');
  await expect(preview.getByTestId("embed-widget")).toHaveCount(1);
  await expect(preview.getByRole("region", { name: "Signups" })).toBeVisible();
  await expect(preview.getByRole("combobox", { name: "Country", exact: true })).toBeVisible();
  await expect(preview.getByRole("link", { name: "Download Signups as CSV" })).toBeVisible();
  const stored = await getPrisma().embedToken.findFirstOrThrow({
    where: { widgetId: report.widgets.find((w) => w.title === "Signups")!.id },
  });
  expect(stored).toMatchObject({
    scope: "widget",
    editable: ["country"],
    downloads: true,
    allowedOrigins: ["https://app.example.com"],
  });
});
