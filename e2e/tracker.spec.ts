// lumen.js in Chromium on the demo page: automatic events, their context in the database, batching,
// and the cost of track().
import { expect, test } from "@playwright/test";
import { closeDatabase } from "../lib/db/client";
import { createTenant } from "../testing/fixtures";
import {
  demoUrl,
  flushTracker,
  named,
  observeTracking,
  recordIngestRequests,
  waitForEvents,
  waitForTracker,
} from "../testing/tracker";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test.afterAll(async () => {
  await closeDatabase();
});

test("records the pageview on load, with the context columns the server derives", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(
    demoUrl(tenant, "/tracker-demo", { utm_source: "newsletter", utm_medium: "email", token: "s3cret" }),
    {
      referer: "https://www.google.com/search?q=lumen",
    },
  );
  const events = await waitForEvents(tenant, (rows) => named(rows, "pageview").length === 1);
  const [pageview] = named(events, "pageview");
  expect(pageview).toMatchObject({
    path: "/tracker-demo",
    title: "Tracker demo · Lumen",
    referrerHost: "google.com",
    utmSource: "newsletter",
    utmMedium: "email",
    browser: "Chrome",
    deviceType: "desktop",
    locale: "en-US",
    library: "lumen-js/1.0.0",
  });
  expect(pageview!.eventId).toMatch(UUID);
  expect(pageview!.sessionId).toMatch(UUID);
  // No consent given: no stored id, so the server's daily visitor hash stands in.
  expect(pageview!.anonymousId).toMatch(/^v_/);
  const [sessionStart] = named(events, "session_start");
  expect(sessionStart?.sessionId).toBe(pageview!.sessionId);
  // The query is stripped except utm_*: neither the write key nor the token leave in the page URL.
  const urls = sent.batches().flatMap((batch) => batch.events.map((event) => event.context?.page?.url));
  expect(urls).toContain(new URL("/tracker-demo?utm_source=newsletter&utm_medium=email", page.url()).href);
  expect(JSON.stringify(urls)).not.toContain("s3cret");
});

test("follows single-page navigation: pushState, replaceState, back and forward", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await page.getByRole("button", { name: "Pricing (pushState)" }).click();
  await expect(page.getByTestId("current-path")).toHaveText("/tracker-demo/pricing");
  await page.getByRole("button", { name: "Annual billing (replaceState)" }).click();
  await expect(page).toHaveURL(/\/tracker-demo\/pricing\/annual/);
  await page.goBack();
  await expect(page).toHaveURL(/\/tracker-demo\?/);
  await page.goForward();
  await expect(page).toHaveURL(/\/tracker-demo\/pricing\/annual/);
  await flushTracker(page);

  const events = await waitForEvents(tenant, (rows) => named(rows, "pageview").length >= 5);
  // In the order the tracker recorded them, which is the order it sent them in. The server corrects
  // each request's clock skew on its own, so in the database two requests' events a few
  // milliseconds apart may sort either way.
  const tracked = sent.batches().flatMap((batch) => batch.events);
  const paths = (name: string) =>
    tracked.filter((event) => event.name === name).map((event) => event.context?.page?.path);
  expect(paths("pageview")).toEqual([
    "/tracker-demo",
    "/tracker-demo/pricing",
    "/tracker-demo/pricing/annual",
    "/tracker-demo",
    "/tracker-demo/pricing/annual",
  ]);
  // Each page left reports its engagement; every event is stored once; one session throughout.
  expect(paths("page_leave")).toEqual([
    "/tracker-demo",
    "/tracker-demo/pricing",
    "/tracker-demo/pricing/annual",
    "/tracker-demo",
  ]);
  expect(
    named(events, "page_leave").every(
      (event) => typeof (event.properties as { engagement_ms: number }).engagement_ms === "number",
    ),
  ).toBe(true);
  expect(events.map((event) => event.eventId).sort()).toEqual(tracked.map((event) => event.event_id).sort());
  expect(new Set(events.map((event) => event.sessionId)).size).toBe(1);
  expect(named(events, "session_start")).toHaveLength(1);
});

test("sends clicks on data-lumen-event elements with their data-lumen-prop-* properties", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await page.getByRole("button", { name: "Start free trial" }).click();
  await flushTracker(page);
  const [click] = named(
    await waitForEvents(tenant, (rows) => named(rows, "signup_click").length === 1),
    "signup_click",
  );
  expect(click).toMatchObject({ path: "/tracker-demo", properties: { plan: "pro", source: "hero" } });
});

test("sends outbound link clicks, even though the page goes away", async ({ page }) => {
  const tenant = await createTenant();
  await page.route("https://example.com/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<title>Partners</title>" }),
  );
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await page.getByRole("link", { name: "Our partners (outbound)" }).click();
  await expect(page).toHaveTitle("Partners");
  const [outbound] = named(await waitForEvents(tenant, (rows) => named(rows, "outbound").length === 1), "outbound");
  expect(outbound!.properties).toEqual({ url: "https://example.com/partners?utm_source=demo" });
});

test("sends file downloads", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the report (CSV)" }).click();
  expect((await download).suggestedFilename()).toBe("report.csv");
  await flushTracker(page);
  const [event] = named(await waitForEvents(tenant, (rows) => named(rows, "download").length === 1), "download");
  // The demo is served from 127.0.0.1: the server masks IP addresses in stored URLs (lib/privacy/scrub.ts).
  const url = new URL("/tracker-demo/report.csv", page.url()).href.replace("127.0.0.1", "[ip]");
  expect(event!.properties).toEqual({ url });
});

test("reports the deepest scroll and the engaged time when the page is left", async ({ page }) => {
  const tenant = await createTenant();
  // The page's clock is the test's: the engaged time below is a known second, not however long a
  // busy machine took.
  await page.clock.install();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await page.mouse.wheel(0, 400);
  // To the bottom, until the page has dispatched a scroll event there: the tracker measures on it.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const atBottom = () => Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight;
        addEventListener("scroll", function reached() {
          if (!atBottom()) return;
          removeEventListener("scroll", reached);
          resolve();
        });
        scrollTo(0, document.documentElement.scrollHeight);
      }),
  );
  await page.clock.runFor(1_000);
  await page.evaluate(() => window.scrollTo(0, 0)); // the deepest point counts, not the last
  await page.getByRole("link", { name: "Docs (page load)" }).click();
  await expect(page).toHaveURL(/\/tracker-demo\/docs/);
  const events = await waitForEvents(
    tenant,
    (rows) => named(rows, "page_leave").length === 1 && named(rows, "scroll").length === 1,
  );
  expect(named(events, "scroll")[0]).toMatchObject({ path: "/tracker-demo", properties: { depth: 100 } });
  const leave = named(events, "page_leave")[0]!;
  expect(leave.properties).toMatchObject({ depth: 100 });
  expect((leave.properties as { engagement_ms: number }).engagement_ms).toBeGreaterThanOrEqual(1_000);
});

test("batches events into few requests", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  // What the tracker gathers within its 2 s flush interval goes out in one request. The page's clock
  // is the test's, so the interval ends when the test says, not whenever a busy machine happens to
  // be between two clicks.
  await page.clock.install();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  // On load, at once: session_start and the pageview.
  await expect.poll(() => sent.names()).toEqual([["session_start", "pageview"]]);
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 60_000);
  const tracked = await observeTracking(page);
  for (let i = 0; i < 5; i++) await page.getByRole("button", { name: "Start free trial" }).click();
  await page.getByRole("button", { name: "Pricing (pushState)" }).click();
  await page.getByRole("button", { name: "Back" }).click();
  // 5 clicks, then 2 × (scroll + page_leave + pageview), Back's once its popstate has come.
  await expect.poll(tracked).toHaveLength(11);
  await page.clock.runFor(2_000);
  const events = await waitForEvents(tenant, (rows) => rows.length === 13);
  expect(new Set(events.map((event) => event.eventId)).size).toBe(13);
  expect(sent.names().map((names) => names.length)).toEqual([2, 11]);
});

// How fast track() is, is a measurement (printed here, budgeted in sdk/browser/README.md), not an
// assertion: timings in a shared CI browser are noise. What is asserted is that a burst of calls
// is sent in batches and every event is stored exactly once.
test("a burst of track() calls is batched and every event is stored once", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  const measure = (calls: number, name = "bench") =>
    page.evaluate(
      ([calls, name]) => {
        const start = performance.now();
        for (let i = 0; i < calls; i++) window.lumen!.track(name, { i, plan: "pro" });
        return (performance.now() - start) / calls;
      },
      [calls, name] as const,
    );
  // 19 calls stay under the batch size: the cost of track() alone.
  const enqueueOnly = await measure(19);
  // 2,000 calls include the 100 batches they fill and send.
  const withSends = await measure(2000);
  console.log(
    `track(): ${(enqueueOnly * 1000).toFixed(1)} µs a call; ${(withSends * 1000).toFixed(1)} µs including the sends it triggers`,
  );
  // A burst the bounded queue holds whole: every event arrives, once.
  await measure(41, "burst");
  const events = await waitForEvents(tenant, (rows) => named(rows, "burst").length >= 41);
  expect(new Set(named(events, "burst").map((e) => e.eventId)).size).toBe(41);
});
