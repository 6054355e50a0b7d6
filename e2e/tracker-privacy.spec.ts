// lumen.js privacy: Do Not Track, Global Privacy Control, consent modes and the consent trail, no
// cookies, emails and query strings kept out, excluded paths and the beforeSend hook.
import { type BrowserContext, expect, test } from "@playwright/test";
import { closeDatabase, getPool, getPrisma } from "../lib/db/client";
import { applyPrivacyPatch } from "../lib/privacy/settings";
import { createTenant, DELETION_JOB_WAIT_MS } from "../testing/fixtures";
import {
  demoUrl,
  eventsOf,
  flushTracker,
  MARKER,
  named,
  recordIngestRequests,
  sendMarker,
  waitForEvents,
  waitForTracker,
} from "../testing/tracker";

test.afterAll(async () => {
  await closeDatabase();
});

/** Cookies a script could have set: the app's own (sign-in) cookies are httpOnly. */
const scriptCookies = async (context: BrowserContext) => (await context.cookies()).filter((cookie) => !cookie.httpOnly);

/**
 * Clicks, navigates within the app and flushes: everything that would normally send events. The
 * flush has decided by the time this returns, and it is the one a timer would run.
 */
async function browseAround(page: import("@playwright/test").Page) {
  await page.getByRole("button", { name: "Start free trial" }).click();
  await page.getByRole("button", { name: "Pricing (pushState)" }).click();
  await page.evaluate(() => window.lumen!.track("custom", { a: 1 }));
  await flushTracker(page);
}

const storedNames = async (tenant: Parameters<typeof eventsOf>[0]) =>
  (await eventsOf(tenant)).map((event) => event.name);

for (const [signal, property, value] of [
  ["Do Not Track", "doNotTrack", "1"],
  ["Global Privacy Control", "globalPrivacyControl", true],
] as const) {
  test(`sends nothing under ${signal}, unless data-respect-dnt="false"`, async ({ page }) => {
    const tenant = await createTenant();
    await page.addInitScript(
      ([name, setting]) => Object.defineProperty(Navigator.prototype, name, { get: () => setting }),
      [property, value] as const,
    );
    const sent = recordIngestRequests(page);
    await page.goto(demoUrl(tenant));
    await waitForTracker(page);
    await browseAround(page);
    // Not even a consent decision is sent.
    await page.evaluate(() => window.lumen!.consent("granted"));
    await flushTracker(page);
    await sendMarker(page, tenant, sent);
    expect(sent.names()).toEqual([[MARKER]]);
    expect(await storedNames(tenant)).toEqual([MARKER]);

    await page.goto(demoUrl(tenant, "/tracker-demo", { "respect-dnt": "false" }));
    await flushTracker(page);
    await waitForEvents(tenant, (rows) => named(rows, "pageview").length === 1);
  });
}

/** The tenant's consent trail, oldest first. */
const trailOf = async (tenant: { projectId: string }) =>
  (
    await getPool().query<{ state: string; anonymous_id: string | null; source: string }>(
      "SELECT state::text, anonymous_id, source FROM consent_records WHERE project_id = $1 ORDER BY recorded_at",
      [tenant.projectId],
    )
  ).rows;

test("consent('denied') sends the decision only, and keeps nothing", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(demoUrl(tenant, "/tracker-demo", { consent: "pending" }));
  await waitForTracker(page);
  await page.getByRole("button", { name: "Start free trial" }).click();
  await page.evaluate(() => window.lumen!.consent("denied"));
  await browseAround(page);
  await expect.poll(() => sent.names()).toEqual([["$consent"]]);
  await sent.settled(); // so that the reload below does not cut the decision's request short
  await page.reload(); // the decision is remembered
  await waitForTracker(page);
  await page.evaluate(() => window.lumen!.consent("denied")); // repeated: not a change, not sent
  await browseAround(page);
  await sendMarker(page, tenant, sent);
  expect(sent.names()).toEqual([["$consent"], [MARKER]]);
  expect(await storedNames(tenant)).toEqual([MARKER]);
  // No stored id before the decision: the server's daily visitor hash stands for the visitor.
  expect(await trailOf(tenant)).toEqual([
    { state: "denied", anonymous_id: expect.stringMatching(/^v_/), source: "lumen-js" },
  ]);
  expect(
    await page.evaluate(() =>
      Object.keys(localStorage).filter(
        (key) => key.startsWith("lumen_") && localStorage[key] && localStorage[key] !== "[]",
      ),
    ),
  ).toEqual(["lumen_consent"]);
});

test("optOut() stops tracking for good on this browser", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await flushTracker(page);
  const sent = recordIngestRequests(page);
  await page.evaluate(() => window.lumen!.optOut());
  await page.reload();
  await waitForTracker(page);
  await browseAround(page);
  await sendMarker(page, tenant, sent);
  // The opt-out's $consent may go twice: a request the reload cut short is sent again from the
  // queue (at least once, with the same event id). Nothing else goes before the marker.
  const names = sent.names();
  const before = names.slice(0, -1).flat();
  expect(names.at(-1)).toEqual([MARKER]);
  expect(before).toContain("$consent");
  expect(before.filter((name) => name !== "$consent")).toEqual([]);
});

test("granting then withdrawing consent is kept in the trail, and purges the visitor where the project says so", async ({
  page,
}) => {
  test.setTimeout(DELETION_JOB_WAIT_MS + 120_000);
  const tenant = await createTenant();
  await applyPrivacyPatch(tenant.projectId, { purge_on_consent_withdrawal: true });
  await page.goto(demoUrl(tenant, "/tracker-demo", { consent: "pending" }));
  await waitForTracker(page);
  await page.evaluate(() => window.lumen!.consent(true));
  await page.getByRole("button", { name: "Start free trial" }).click();
  await flushTracker(page);
  const anonymousId = await page.evaluate(() => localStorage.getItem("lumen_aid"));
  await waitForEvents(tenant, (rows) => rows.some((row) => row.anonymousId === anonymousId));
  await page.evaluate(() => window.lumen!.consent(false));
  await flushTracker(page);
  await expect
    .poll(() => trailOf(tenant))
    .toEqual([
      { state: "granted", anonymous_id: anonymousId, source: "lumen-js" },
      { state: "denied", anonymous_id: anonymousId, source: "lumen-js" },
    ]);
  await expect
    .poll(
      async () =>
        (await getPrisma().personDeletion.findMany({ where: { projectId: tenant.projectId } })).map(
          (job) => job.status,
        ),
      { timeout: DELETION_JOB_WAIT_MS },
    )
    .toEqual(["done"]);
  expect((await eventsOf(tenant)).filter((event) => event.anonymousId === anonymousId)).toEqual([]);
});

test("consent pending holds events in memory; granted sends them and keeps an anonymous id", async ({
  page,
  context,
}) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(demoUrl(tenant, "/tracker-demo", { consent: "pending" }));
  await waitForTracker(page);
  await page.getByRole("button", { name: "Start free trial" }).click();
  await flushTracker(page);
  await sendMarker(page, tenant, sent);
  expect(sent.names()).toEqual([[MARKER]]);
  expect(await page.evaluate(() => localStorage.getItem("lumen_queue"))).toBeNull();

  await page.evaluate(() => window.lumen!.consent(true));
  // The held events go at once. Clicking again only once they are stored keeps the two clicks in
  // that order in the database (each request's timestamps are corrected for clock skew on its own).
  await waitForEvents(tenant, (rows) => named(rows, "signup_click").length === 1);
  await page.getByRole("button", { name: "Start free trial" }).click();
  await flushTracker(page);
  const events = await waitForEvents(tenant, (rows) => named(rows, "signup_click").length === 2);
  const anonymousId = await page.evaluate(() => localStorage.getItem("lumen_aid"));
  expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/);
  // Held events predate the decision, so only the later one carries the stored id.
  expect(named(events, "signup_click").map((event) => event.anonymousId === anonymousId)).toEqual([false, true]);
  expect(await scriptCookies(context)).toEqual([]);
});

test("without consent: no cookies, no stored id, the server's daily hash", async ({ page, context }) => {
  const tenant = await createTenant();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await flushTracker(page);
  const [pageview] = named(await waitForEvents(tenant, (rows) => named(rows, "pageview").length === 1), "pageview");
  expect(pageview!.anonymousId).toMatch(/^v_/);
  expect(await page.evaluate(() => localStorage.getItem("lumen_aid"))).toBeNull();
  expect(await scriptCookies(context)).toEqual([]);
});

test("scrubs emails from URLs and properties, and strips query strings but utm_*", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(demoUrl(tenant, "/tracker-demo", { email: "ana@example.com", utm_campaign: "fall" }));
  await waitForTracker(page);
  await page.evaluate(() => {
    history.pushState(null, "", "/tracker-demo/users/bob@example.com/profile");
    window.lumen!.track("invite", {
      to: "carol@example.org",
      nested: { note: "cc dave+x@mail.example.com please" },
      count: 2,
    });
  });
  await flushTracker(page);
  // Two requests (the load's, then this flush's): both stored, and told apart by path, not by order.
  const events = await waitForEvents(
    tenant,
    (rows) => named(rows, "invite").length === 1 && named(rows, "pageview").length === 2,
  );
  expect(named(events, "invite")[0]).toMatchObject({
    path: "/tracker-demo/users/[email]/profile",
    properties: { to: "[email]", nested: { note: "cc [email] please" }, count: 2 },
  });
  expect(named(events, "pageview").find((event) => event.path === "/tracker-demo")).toMatchObject({
    utmCampaign: "fall",
  });
  const wire = JSON.stringify(sent.batches());
  expect(wire).not.toMatch(/@example\.|%40example/);
  expect(wire).not.toContain(`${tenant.writeKey}&`); // the key in the page URL is not repeated in page URLs
});

test("data-exclude skips matching paths, and beforeSend can change or drop events", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(demoUrl(tenant, "/tracker-demo", { exclude: "/tracker-demo/private*" }));
  await waitForTracker(page);
  await page.evaluate(() => {
    window.lumen!.beforeSend = (event) =>
      event.name === "secret" ? null : { ...event, properties: { ...event.properties, tagged: true } };
  });
  await page.getByRole("button", { name: "Private settings (pushState)" }).click();
  await page.evaluate(() => window.lumen!.track("in_private"));
  await page.getByRole("button", { name: "Back" }).click();
  await page.evaluate(() => {
    window.lumen!.track("secret");
    window.lumen!.track("kept");
  });
  await flushTracker(page);
  const events = await waitForEvents(tenant, (rows) => named(rows, "kept").length === 1);
  expect(events.some((event) => event.path?.startsWith("/tracker-demo/private"))).toBe(false);
  expect(named(events, "in_private")).toHaveLength(0);
  expect(named(events, "secret")).toHaveLength(0);
  expect(named(events, "kept")[0]!.properties).toEqual({ tagged: true });
  expect(named(events, "pageview").map((event) => event.path)).toEqual(["/tracker-demo", "/tracker-demo"]);
});
