// Range and filter changes (issue 14, item 8): the queries of the new view start at once, without
// waiting for the server to render the page again, and until their answers arrive every panel says
// it is updating (aria-busy, "Updating…", dimmed): the previous view's numbers never pass for new ones.
// The query API is held with page.route, so the pending state is observed, not raced.
import { expect, type Page, type Request, type Route, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

const metric = (page: Page, name: string) =>
  page.getByRole("region", { name, exact: true }).getByTestId("metric-value");

interface QueryBody {
  query: { kind: string; event?: string };
  range?: { relative?: string };
}

/** Holds the answers of query requests that match until release(); the rest pass through. */
async function holdQueries(page: Page, matches: (body: QueryBody) => boolean) {
  const held: Route[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/v1/query", async (route) => {
    if (!matches(route.request().postDataJSON() as QueryBody)) return route.continue();
    held.push(route);
    await released;
    await route.continue();
  });
  return { held, release };
}

/**
 * Holds every request for a server render of the app's pages (React Server Component payloads),
 * and records them: a view change must need none. Prefetches of links pass through.
 */
async function holdServerRenders(page: Page) {
  const renders: Request[] = [];
  await page.route(
    (url) => url.pathname.startsWith("/projects"),
    async (route) => {
      const headers = route.request().headers();
      if (!headers.rsc || headers["next-router-prefetch"]) return route.continue();
      renders.push(route.request());
      // Never answered: a view that waited for it would never load.
    },
  );
  return renders;
}

test("a range change on the overview queries at once and shows every panel pending until it is answered", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  await expect(metric(page, "Pageviews")).toHaveText("4");
  const panels = page.locator("section[aria-busy]");
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
  const panelCount = await panels.count();
  expect(panelCount).toBeGreaterThan(10);
  // The Goals panel divides by the Visitors headline's answer: one request serves both.
  const queryCount = panelCount - 1;

  const renders = await holdServerRenders(page);
  const queries = await holdQueries(page, (body) => body.range?.relative === "last_7_days");
  await page.getByLabel("Date range").selectOption("last_7_days");
  await expect(page).toHaveURL(/range=last_7_days/);
  // Every panel asked for the new range, though no server render was answered (or even asked for).
  await expect.poll(() => queries.held.length).toBe(queryCount);
  expect(renders).toHaveLength(0);

  // Until the answers arrive: every panel is busy and says so; the old number is still there, dimmed.
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(panelCount);
  await expect(page.locator("section[data-pending]")).toHaveCount(panelCount);
  const pageviews = page.getByRole("region", { name: "Pageviews", exact: true });
  await expect(pageviews.getByTestId("widget-updating")).toHaveText("Updating…");
  await expect(metric(page, "Pageviews")).toHaveText("4");

  queries.release();
  await expect(metric(page, "Pageviews")).toHaveText("3");
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
  await expect(page.getByTestId("widget-updating")).toHaveCount(0);

  // A drill-down is a view change too: pending at once, answered, and Back returns to the view before it.
  const drill = await holdQueries(page, (body) => JSON.stringify(body).includes("/pricing"));
  await page.getByRole("region", { name: "Top pages" }).getByRole("button", { name: "/pricing" }).click();
  await expect(page).toHaveURL(/f=path%3Aequals%3A%2Fpricing/);
  await expect.poll(() => drill.held.length).toBe(queryCount);
  await expect(pageviews).toHaveAttribute("aria-busy", "true");
  drill.release();
  await expect(metric(page, "Pageviews")).toHaveText("1");
  expect(renders).toHaveLength(0);
  await page.goBack();
  await expect(page).not.toHaveURL(/pricing/);
  await expect(metric(page, "Pageviews")).toHaveText("3");
});

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("a range change shows a panel pending at once, and its new number when answered", async ({ page }) => {
    const ws = await seedAnalystWorkspace();
    await signIn(page, ws.email, ws.password);
    await page.goto(`/projects/${ws.projectId}`);
    await expect(metric(page, "Pageviews")).toHaveText("4");

    const queries = await holdQueries(page, (body) => body.range?.relative === "last_7_days");
    await page.getByLabel("Date range").selectOption("last_7_days");
    await expect.poll(() => queries.held.length).toBeGreaterThan(0);
    const pageviews = page.getByRole("region", { name: "Pageviews", exact: true });
    await expect(pageviews).toHaveAttribute("aria-busy", "true");
    await expect(pageviews.getByTestId("widget-updating")).toBeVisible();
    await expect(metric(page, "Pageviews")).toHaveText("4");

    queries.release();
    await expect(metric(page, "Pageviews")).toHaveText("3");
    await expect(pageviews).toHaveAttribute("aria-busy", "false");
  });
});

test("a report's widgets are pending after a range change until their answers arrive", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Pending",
      widgets: {
        create: [
          { title: "Pageview count", query: { kind: "metric", event: "pageview" }, viz: { type: "metric" } },
          {
            title: "By country",
            query: { kind: "breakdown", event: "pageview", dimension: "country" },
            viz: { type: "table" },
            gridY: 4,
          },
        ],
      },
    },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  const count = page.getByRole("region", { name: "Pageview count" });
  await expect(count.getByTestId("metric-value")).toHaveText("4");
  // Both widgets have their first answer: one still loading at the range change is loading, not pending.
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);

  const renders = await holdServerRenders(page);
  const queries = await holdQueries(page, (body) => body.range?.relative === "last_7_days");
  await page.getByLabel("Date range").selectOption("last_7_days");
  await expect.poll(() => queries.held.length).toBe(2);
  expect(renders).toHaveLength(0);
  for (const name of ["Pageview count", "By country"]) {
    const widget = page.getByRole("region", { name });
    await expect(widget).toHaveAttribute("aria-busy", "true");
    await expect(widget.getByTestId("widget-updating")).toBeVisible();
  }
  await expect(count.getByTestId("metric-value")).toHaveText("4");
  queries.release();
  await expect(count.getByTestId("metric-value")).toHaveText("3");
  await expect(count).toHaveAttribute("aria-busy", "false");
  await expect(page.getByRole("region", { name: "By country" })).toHaveAttribute("aria-busy", "false");
});

test("the builder's preview is pending while the edited query runs, and the form stays usable", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  const report = await getPrisma().report.create({
    data: { organizationId: ws.organizationId, projectId: ws.projectId, name: "Preview" },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await page.getByRole("button", { name: "Add widget" }).click();
  const builder = page.getByRole("form", { name: "Widget builder" });
  await builder.getByLabel("Kind").selectOption("metric");
  await builder.getByLabel("Event", { exact: true }).fill("pageview");
  const preview = builder.getByRole("region", { name: "Preview" });
  await expect(preview.getByTestId("metric-value")).toHaveText("4");

  const queries = await holdQueries(page, (body) => body.query.event === "signup");
  await builder.getByLabel("Event", { exact: true }).fill("signup");
  await expect.poll(() => queries.held.length).toBe(1);
  const panel = preview.locator("section[aria-busy]");
  await expect(panel).toHaveAttribute("aria-busy", "true");
  await expect(panel.getByTestId("widget-updating")).toBeVisible();
  await expect(preview.getByTestId("metric-value")).toHaveText("4");
  await builder.getByLabel("Title", { exact: true }).fill("Signups");
  queries.release();
  await expect(preview.getByTestId("metric-value")).toHaveText("1");
  await expect(panel).toHaveAttribute("aria-busy", "false");
});
