// lumen.js when the ingestion API fails or the browser is offline: events wait (in memory and in
// localStorage), are retried with backoff honouring Retry-After, and are stored exactly once.
import { expect, type Route, test } from "@playwright/test";
import { closeDatabase } from "../lib/db/client";
import { createTenant } from "../testing/fixtures";
import {
  demoUrl,
  eventsOf,
  flushTracker,
  INGEST_URL,
  MARKER,
  named,
  recordIngestRequests,
  sendMarker,
  storedQueue,
  waitForEvents,
  waitForTracker,
} from "../testing/tracker";

test.afterAll(async () => {
  await closeDatabase();
});

const clickSignup = async (page: import("@playwright/test").Page, times: number) => {
  for (let i = 0; i < times; i++) await page.getByRole("button", { name: "Start free trial" }).click();
};

/** The tenant's events but the marker (sendMarker's). */
const trackedEvents = async (tenant: Parameters<typeof eventsOf>[0]) =>
  (await eventsOf(tenant)).filter((event) => event.name !== MARKER);

/**
 * Nothing more will arrive from this page: a flush (the one a timer would run) leaves nothing
 * queued, and every request the page started before a marker has been answered.
 */
async function settle(
  page: import("@playwright/test").Page,
  tenant: Parameters<typeof eventsOf>[0],
  sent: ReturnType<typeof recordIngestRequests>,
) {
  await flushTracker(page);
  await expect.poll(() => storedQueue(page)).toEqual([]);
  await sendMarker(page, tenant, sent);
}

test("retries after 503 with Retry-After, and stores each event once", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  const attempts: { at: number; ids: string[]; passed: boolean }[] = [];
  await page.route(INGEST_URL, async (route: Route) => {
    const ids = (JSON.parse(route.request().postData()!) as { events: { event_id: string }[] }).events.map(
      (event) => event.event_id,
    );
    const passed = attempts.length >= 2;
    attempts.push({ at: Date.now(), ids, passed });
    if (passed) await route.continue();
    else
      await route.fulfill({
        status: 503,
        headers: { "retry-after": "2" },
        json: { error: { code: "unavailable", message: "down" } },
      });
  });
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  // The page's first send (session_start and the pageview, on load) has been refused: the tracker
  // backs off and has put them back in its queue. Clicked before that answer came, a flush would
  // send the clicks at once, a second attempt that honours no Retry-After.
  await expect
    .poll(async () => (await storedQueue(page)).map((event) => event.name))
    .toEqual(["session_start", "pageview"]);
  await clickSignup(page, 3);
  await flushTracker(page);

  const events = await waitForEvents(tenant, (rows) => rows.length >= 5);
  // Nothing more comes from this page: a wrong duplicate send would be stored by now.
  await settle(page, tenant, sent);
  expect(await trackedEvents(tenant)).toHaveLength(5); // session_start, pageview, 3 clicks
  expect(new Set(events.map((event) => event.eventId)).size).toBe(5);
  expect(named(events, "signup_click")).toHaveLength(3);
  // Retry-After: 2 was honoured between the failed attempts.
  expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1900);
  // No event went out again once a request carrying it had passed.
  const delivered = attempts.filter((attempt) => attempt.passed).flatMap((attempt) => attempt.ids);
  expect(new Set(delivered).size).toBe(delivered.length);
});

test("keeps events while the network is down and sends them once it is back", async ({ page, context }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await flushTracker(page);
  await waitForEvents(tenant, (rows) => named(rows, "pageview").length === 1);

  await context.setOffline(true);
  await clickSignup(page, 4);
  // The flush tries, fails, and keeps the four for a later one (in localStorage too, for a later page).
  await flushTracker(page);
  await expect
    .poll(async () => (await storedQueue(page)).map((event) => event.name))
    .toEqual(Array(4).fill("signup_click"));
  expect(named(await eventsOf(tenant), "signup_click")).toHaveLength(0);

  await context.setOffline(false);
  const events = await waitForEvents(tenant, (rows) => named(rows, "signup_click").length >= 4, 30_000);
  // Nothing more comes from this page: a wrong duplicate send would be stored by now.
  await settle(page, tenant, sent);
  const final = await trackedEvents(tenant);
  expect(named(final, "signup_click")).toHaveLength(4);
  expect(new Set(final.map((event) => event.eventId)).size).toBe(final.length);
  expect(events.length).toBe(final.length);
});

test("carries events that could not be sent over to the next page load", async ({ page }) => {
  const tenant = await createTenant();
  await page.route(INGEST_URL, (route) => route.abort("connectionrefused"));
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await clickSignup(page, 2);
  await flushTracker(page);
  await page.getByRole("link", { name: "Docs (page load)" }).click();
  await expect(page).toHaveURL(/\/tracker-demo\/docs/);
  await waitForTracker(page);
  await page.unroute(INGEST_URL);
  await page.reload(); // a fresh page: its first flush sends what the earlier ones left queued
  await waitForTracker(page);
  await flushTracker(page);

  const events = await waitForEvents(
    tenant,
    (rows) => named(rows, "signup_click").length === 2 && named(rows, "pageview").length === 3,
    30_000,
  );
  // One pageview per page load, whichever request carried it (their order across requests is not the point here).
  expect(
    named(events, "pageview")
      .map((event) => event.path)
      .sort(),
  ).toEqual(["/tracker-demo", "/tracker-demo/docs", "/tracker-demo/docs"]);
  expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
});
