// The opt-in modules in Chromium, end to end: lumen-vitals.js measures a page whose hero image
// arrives late and whose banner then pushes everything down, and reports LCP and CLS once when the
// page is left; lumen-errors.js sends a thrown error and a rejected promise, which the errors query
// groups as two fingerprints; both show on the project's Performance and Errors pages. A slow click
// is the page's INP; errors are scrubbed of query strings and emails, and capped per page.
import { expect, type Page, test } from "@playwright/test";
import { createApiKey } from "../lib/auth/api-keys";
import { closeDatabase } from "../lib/db/client";
import type { ErrorsResult } from "../lib/query/results";
import { signIn } from "../testing/analyst-workspace";
import { createMember, createTenant, type Tenant } from "../testing/fixtures";
import {
  demoUrl,
  flushTracker,
  MARKER,
  named,
  recordIngestRequests,
  sendMarker,
  waitForEvents,
} from "../testing/tracker";

test.afterAll(async () => {
  await closeDatabase();
});

/** The image answers after this long: the page's Largest Contentful Paint comes after it. */
const IMAGE_DELAY_MS = 1200;

const vitalsDemo = (tenant: Tenant, delay = IMAGE_DELAY_MS) =>
  `/tracker-demo/vitals?key=${tenant.writeKey}&delay=${delay}`;

/** Deferred scripts (lumen.js, then the modules) have all run once the document is interactive. */
const modulesLoaded = (page: Page) => page.waitForFunction(() => document.readyState !== "loading" && !!window.lumen);

/**
 * The visitor switches to another tab: the document becomes hidden, which is when the module
 * reports. (A headless page cannot really be hidden; leaving it instead would put the report in a
 * request the unloading page may not finish, which is the tracker's business, not this module's.)
 */
const hidePage = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });

test("a slow image and a layout shift report LCP and CLS within the expected ranges, once per page view", async ({
  page,
}) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(vitalsDemo(tenant));
  await modulesLoaded(page);
  // The banner comes with the image: the shift has happened once it shows.
  await expect(page.getByRole("status")).toBeVisible();
  await hidePage(page);
  // The page's clock (the one its metrics are on) once it has reported: what it measured came before.
  const reportedBy = await page.evaluate(() => performance.now());

  const events = await waitForEvents(tenant, (rows) => named(rows, "web_vitals").length === 1);
  const vitals = named(events, "web_vitals")[0]!;
  expect(vitals.path).toBe("/tracker-demo/vitals");
  const metrics = vitals.properties as Record<string, number>;
  // The image is the largest paint, and it cannot paint before it arrives (nor after the page reported).
  expect(metrics.lcp).toBeGreaterThanOrEqual(IMAGE_DELAY_MS);
  expect(metrics.lcp).toBeLessThanOrEqual(Math.ceil(reportedBy));
  // A 300 px banner above content about 650 px tall in a 1280 x 720 viewport: about 0.2.
  expect(metrics.cls).toBeGreaterThan(0.05);
  expect(metrics.cls).toBeLessThan(0.6);
  expect(metrics.fcp).toBeGreaterThan(0);
  expect(metrics.fcp).toBeLessThanOrEqual(metrics.lcp!);
  expect(metrics.ttfb).toBeGreaterThanOrEqual(0);
  expect(metrics.ttfb).toBeLessThanOrEqual(metrics.fcp!);
  // The load event waits for the image.
  expect(metrics.load).toBeGreaterThanOrEqual(IMAGE_DELAY_MS);
  // Leaving the page after hiding it: still one report.
  await page.evaluate(() => dispatchEvent(new Event("pagehide")));
  await flushTracker(page);
  await sendMarker(page, tenant, sent);
  const reports = sent.batches().flatMap((batch) => batch.events.filter((event) => event.name === "web_vitals"));
  expect(reports).toHaveLength(1);
  expect(sent.names().at(-1)).toEqual([MARKER]);
});

test("a thrown error and a rejected promise arrive grouped as two fingerprints, and show on the Errors page", async ({
  page,
}) => {
  const tenant = await createTenant();
  await page.goto(vitalsDemo(tenant, 0));
  await modulesLoaded(page);
  // Twice the same error (for orders 1000 and 1001: one fingerprint), once a rejection.
  await page.getByRole("button", { name: "Throw an error" }).click();
  await page.getByRole("button", { name: "Throw an error" }).click();
  await page.getByRole("button", { name: "Reject a promise" }).click();

  const events = await waitForEvents(tenant, (rows) => named(rows, "js_error").length === 3);
  const errors = named(events, "js_error").map((event) => event.properties as Record<string, string>);
  expect(errors.map((error) => error.kind).sort()).toEqual(["error", "error", "unhandledrejection"]);
  const thrown = errors.find((error) => error.kind === "error")!;
  expect(thrown.message).toMatch(/^Checkout failed for order 100[01]$/);
  expect(thrown.top_frame).toMatch(/:\d+:\d+\)?$/);
  expect(thrown.stack?.split("\n")[0]).toBe(thrown.top_frame);

  const reader = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" });
  // The last 24 hours hold the errors just thrown whenever the test runs; "today" lost them when
  // midnight UTC passed between the clicks and the query.
  const response = await page.request.post("/api/v1/query", {
    headers: { authorization: `Bearer ${reader.key}` },
    data: {
      project_id: tenant.projectId,
      query: { kind: "errors" },
      range: { relative: "last_24_hours" },
      timezone: "UTC",
    },
  });
  expect(response.status()).toBe(200);
  const { data } = (await response.json()) as { data: ErrorsResult };
  expect(data.total).toEqual({ count: 3, users: 1 });
  expect(data.groups.map((group) => [group.kind, group.count]).sort()).toEqual([
    ["error", 2],
    ["unhandledrejection", 1],
  ]);

  const member = await createMember(tenant.organizationId, "analyst", "e2e-password-123");
  await signIn(page, member.email, member.password);
  await page.goto(`/projects/${tenant.projectId}`);
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Errors" }).click();
  await expect(page.getByRole("heading", { name: "Errors", level: 2 })).toBeVisible();
  const table = page.getByRole("table", { name: /JavaScript errors/ });
  await expect(table.getByRole("row")).toHaveCount(3); // the header and two groups
  await expect(page.getByText("3 errors, 1 user affected")).toBeVisible();
  await expect(table).toContainText("Checkout failed for order");
  await expect(table).toContainText("Unhandled rejection: Network timeout after 3000 ms");
});

test("a slow click is the page's INP, reported with the other vitals when the page is hidden", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(vitalsDemo(tenant, 0));
  await modulesLoaded(page);
  await page.evaluate(() => {
    const button = document.createElement("button");
    button.textContent = "Slow button";
    // The main thread is busy for 300 ms after the click: the interaction lasts at least that long.
    button.addEventListener("click", () => {
      const end = performance.now() + 300;
      while (performance.now() < end);
    });
    document.body.append(button);
  });
  // On the page's clock, the one event timing uses: the interaction starts after this reading.
  const beforeClick = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: "Slow button" }).click();
  // The browser has timed the interaction (its entry comes after the next paint), by this reading.
  const timedBy = await page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        new PerformanceObserver((list, observer) => {
          if (list.getEntries().some((entry) => entry.duration >= 250)) {
            observer.disconnect();
            resolve(performance.now());
          }
        }).observe({ type: "event", buffered: true, durationThreshold: 16 } as PerformanceObserverInit),
      ),
  );
  await hidePage(page);

  const events = await waitForEvents(tenant, (rows) => named(rows, "web_vitals").length === 1);
  const metrics = named(events, "web_vitals")[0]!.properties as Record<string, number>;
  // Event timing rounds durations to 8 ms.
  expect(metrics.inp).toBeGreaterThanOrEqual(290);
  expect(metrics.inp).toBeLessThanOrEqual(timedBy - beforeClick + 8);
  expect(metrics.fcp).toBeGreaterThan(0);
  expect(metrics.ttfb).toBeGreaterThanOrEqual(0);
  expect(metrics.ttfb).toBeLessThanOrEqual(metrics.fcp!);
});

test("errors lose query strings and emails in the browser, and at most 10 are sent per page", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  await page.goto(vitalsDemo(tenant, 0));
  await modulesLoaded(page);
  // 15 uncaught errors from a script whose URL has a query string (its frames carry it), each
  // message with an email and a URL with a query string; the page's own URL has one too (?key=).
  await page.addScriptTag({
    content: [
      "window.thrown = 0;",
      "function lookUp(attempt) {",
      "  window.thrown++;",
      '  throw new Error("No account for ana@example.com at https://shop.example.com/api/users?email=ana@example.com&attempt=" + attempt);',
      "}",
      "for (let attempt = 0; attempt < 15; attempt++) setTimeout(() => lookUp(attempt));",
      "//# sourceURL=https://cdn.example.com/app.js?v=3&token=s3cret",
    ].join("\n"),
  });
  await page.waitForFunction(() => (window as unknown as { thrown: number }).thrown === 15);
  await flushTracker(page);
  await sendMarker(page, tenant, sent);

  const reports = sent.batches().flatMap((batch) => batch.events.filter((event) => event.name === "js_error"));
  expect(reports).toHaveLength(10);
  for (const { properties } of reports) {
    const error = properties as Record<string, string>;
    expect(error.message).toBe("No account for [email] at https://shop.example.com/api/users");
    expect(error.top_frame).toMatch(/^lookUp \(https:\/\/cdn\.example\.com\/app\.js:\d+:\d+\)$/);
    expect(error.stack?.split("\n")[0]).toBe(error.top_frame);
    const text = JSON.stringify(error);
    for (const secret of ["?", "token", "s3cret", "email=", "example.com/api/users?", tenant.writeKey, "ana@"])
      expect(text).not.toContain(secret);
  }
  const stored = await waitForEvents(tenant, (rows) => named(rows, "js_error").length === 10);
  expect(named(stored, "js_error")).toHaveLength(10);

  // A single-page navigation to another path is another page: its errors are reported again.
  await page.evaluate(() => {
    history.pushState(null, "", "/tracker-demo/vitals/next");
    setTimeout(() => (window as unknown as { lookUp: (attempt: number) => void }).lookUp(15));
  });
  await page.waitForFunction(() => (window as unknown as { thrown: number }).thrown === 16);
  await flushTracker(page);
  await sendMarker(page, tenant, sent);
  const after = sent.batches().flatMap((batch) => batch.events.filter((event) => event.name === "js_error"));
  expect(after).toHaveLength(11);
  expect(after.at(-1)?.context?.page?.path).toBe("/tracker-demo/vitals/next");
});

test("the Performance page shows the page's p75 with its rating", async ({ page }) => {
  const tenant = await createTenant();
  await page.goto(vitalsDemo(tenant, 300));
  await modulesLoaded(page);
  await expect(page.getByRole("status")).toBeVisible();
  await hidePage(page);
  await waitForEvents(tenant, (rows) => named(rows, "web_vitals").length === 1);

  const member = await createMember(tenant.organizationId, "analyst", "e2e-password-123");
  await signIn(page, member.email, member.password);
  await page.goto(`/projects/${tenant.projectId}/performance`);
  await expect(page.getByRole("link", { name: "Performance" })).toHaveAttribute("aria-current", "page");
  const byPage = page.getByRole("table", { name: /Web vitals by page/ });
  await expect(byPage.getByRole("row", { name: /\/tracker-demo\/vitals/ })).toContainText(/\d( ms| s)/);
  await expect(page.getByRole("img", { name: /Ratings of page loads: Largest Contentful Paint p75/ })).toBeVisible();
});

test("lumen-forms.js sends form submissions, which the core alone does not", async ({ page }) => {
  const tenant = await createTenant();
  const sent = recordIngestRequests(page);
  for (const modules of [undefined, "forms"]) {
    await page.goto(demoUrl(tenant, "/tracker-demo", modules ? { modules } : {}));
    await modulesLoaded(page);
    // The submission stays on the page, so the flush below is the one that would carry it.
    await page.evaluate(() =>
      document.getElementById("newsletter")!.addEventListener("submit", (e) => e.preventDefault()),
    );
    await page.getByLabel("Newsletter").fill("ana@example.com");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await flushTracker(page);
  }
  await sendMarker(page, tenant, sent);
  const submits = sent.batches().flatMap((batch) => batch.events.filter((event) => event.name === "form_submit"));
  expect(submits).toHaveLength(1);
  expect(submits[0]!.properties).toEqual({
    id: "newsletter",
    action: new URL("/tracker-demo/thanks", page.url()).href,
  });
});
