// lumen.js when the ingestion API fails or the browser is offline: events wait (in memory and in
// localStorage), are retried with backoff honouring Retry-After, and are stored exactly once.
import { expect, test, type Route } from "@playwright/test";
import { closeDatabase } from "../lib/db/client";
import { demoUrl, flushTracker, INGEST_URL, named, waitForEvents, waitForTracker } from "../lib/tracker/e2e-support";
import { createTenant } from "../lib/testing/fixtures";


test.afterAll(async () => {
  await closeDatabase();
});

const clickSignup = async (page: import("@playwright/test").Page, times: number) => {
  for (let i = 0; i < times; i++) await page.getByRole("button", { name: "Start free trial" }).click();
};

test("retries after 503 with Retry-After, and stores each event once", async ({ page }) => {
  const tenant = await createTenant();
  const attempts: { at: number; ids: string[]; passed: boolean }[] = [];
  await page.route(INGEST_URL, async (route: Route) => {
    const ids = (JSON.parse(route.request().postData()!) as { events: { event_id: string }[] }).events.map((event) => event.event_id);
    const passed = attempts.length >= 2;
    attempts.push({ at: Date.now(), ids, passed });
    if (passed) await route.continue();
    else await route.fulfill({ status: 503, headers: { "retry-after": "2" }, json: { error: { code: "unavailable", message: "down" } } });
  });
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await clickSignup(page, 3);
  await flushTracker(page);

  const events = await waitForEvents(tenant, (rows) => rows.length >= 5);
  await page.waitForTimeout(1500); // room for a wrong duplicate send to show up
  expect((await waitForEvents(tenant, () => true)).length).toBe(5); // session_start, pageview, 3 clicks
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
  await page.goto(demoUrl(tenant));
  await waitForTracker(page);
  await flushTracker(page);
  await waitForEvents(tenant, (rows) => named(rows, "pageview").length === 1);

  await context.setOffline(true);
  await clickSignup(page, 4);
  await flushTracker(page);
  await page.waitForTimeout(2500);
  expect(named(await waitForEvents(tenant, () => true), "signup_click")).toHaveLength(0);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem("lumen_queue")!).length)).toBe(4);

  await context.setOffline(false);
  const events = await waitForEvents(tenant, (rows) => named(rows, "signup_click").length >= 4, 30_000);
  await page.waitForTimeout(1500);
  const final = await waitForEvents(tenant, () => true);
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

  const events = await waitForEvents(tenant, (rows) => named(rows, "signup_click").length === 2 && named(rows, "pageview").length === 3, 30_000);
  expect(named(events, "pageview").map((event) => event.path)).toEqual(["/tracker-demo", "/tracker-demo/docs", "/tracker-demo/docs"]);
  expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
});
