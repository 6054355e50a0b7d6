// The analyst app in Chromium: sign-in, the overview's numbers, ranges, drill-down, the report
// builder, layout persistence, roles and tenant isolation.
import { expect, type Page, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

/** A metric card's big number: the first paragraph of its panel (the title is a heading). */
function metric(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true }).locator("p").first();
}

test("the overview shows the known totals, follows the date range and drills down", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  await page.getByRole("link", { name: "Site" }).click();
  await expect(metric(page, "Pageviews")).toHaveText("4");
  await expect(metric(page, "Visitors")).toHaveText("3");

  await page.getByLabel("Date range").selectOption("last_7_days");
  await expect(page).toHaveURL(/range=last_7_days/);
  await expect(metric(page, "Pageviews")).toHaveText("3");
  await expect(metric(page, "Visitors")).toHaveText("2");

  // Drilling down at once after a range change keeps that range. The list may reorder as the new
  // range's numbers arrive: the click goes to the /docs button itself, not to where it was drawn.
  await page.getByLabel("Date range").selectOption("last_30_days");
  await page
    .getByRole("region", { name: "Top pages" })
    .getByRole("button", { name: /\/docs/ })
    .dispatchEvent("click");
  await expect(page).toHaveURL(/f=path%3Aequals%3A%2Fdocs/);
  await expect(page).toHaveURL(/range=last_30_days/);
  await expect(page.getByRole("list", { name: "Filters" })).toContainText("Page is /docs");
  await expect(metric(page, "Pageviews")).toHaveText("1");
  // The URL holds the state: a reload shows the same view.
  await page.reload();
  await expect(metric(page, "Pageviews")).toHaveText("1");
});

/** A breakdown table's value for a row: the cell after its rank (rows are labelled by their value). */
const cellOf = (page: Page, table: string, value: string) =>
  page
    .getByRole("region", { name: table })
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: value, exact: true }) })
    .getByRole("cell")
    .nth(1);

test("the top pages panel switches to entry and exit pages, and an entry page drills down", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  await expect(cellOf(page, "Top pages", "/pricing")).toHaveText("1");
  // Sessions: u1 entered on / and left on /pricing, u2 viewed / alone, u3 /docs alone.
  const tabs = page.getByRole("tablist", { name: "Top pages" });
  await tabs.getByRole("tab", { name: "Entry pages" }).click();
  await expect(tabs.getByRole("tab", { name: "Entry pages" })).toHaveAttribute("aria-selected", "true");
  // Two entry pages where there were three top pages (the top pages stay shown until they arrive).
  await expect(page.getByRole("region", { name: "Entry pages" }).getByRole("rowheader")).toHaveCount(2);
  await expect(cellOf(page, "Entry pages", "/")).toHaveText("2");
  await expect(cellOf(page, "Entry pages", "/docs")).toHaveText("1");
  // The keyboard moves between tabs too (arrow keys, selection follows focus).
  await page.keyboard.press("ArrowRight");
  await expect(tabs.getByRole("tab", { name: "Exit pages" })).toBeFocused();
  await expect(cellOf(page, "Exit pages", "/pricing")).toHaveText("1");
  await expect(cellOf(page, "Exit pages", "/")).toHaveText("1");
  // Clicking an exit page keeps the sessions that left there: u1's, with its 2 pageviews.
  await page.getByRole("region", { name: "Exit pages" }).getByRole("button", { name: "/pricing" }).click();
  await expect(page).toHaveURL(/f=exit_page%3Aequals%3A%2Fpricing/);
  await expect(page.getByRole("list", { name: "Filters" })).toContainText("Exit page is /pricing");
  await expect(metric(page, "Pageviews")).toHaveText("2");
  await expect(metric(page, "Sessions")).toHaveText("1");
});

test("an analyst builds a report with one widget of each kind, reorders it, and it persists", async ({ page }) => {
  // Five widgets built through the UI, each saved and queried, each builder asking for suggestions
  // and a preview: about 25 s alone, past 60 s on a 2-core machine running the whole suite, and
  // twice the default at load 30.
  test.setTimeout(240_000);
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports`);
  await page.getByLabel("New report name").fill("E2E report");
  await page.getByRole("button", { name: "Create report" }).click();
  await expect(page.getByLabel("Report name")).toHaveValue("E2E report");

  const builder = page.getByRole("form", { name: "Widget builder" });
  async function addWidget(kind: string, setUp: () => Promise<unknown>, title: string) {
    await page.getByRole("button", { name: "Add widget" }).click();
    await builder.getByLabel("Kind").selectOption(kind);
    await setUp();
    await builder.getByLabel("Title", { exact: true }).fill(title);
    await builder.getByRole("button", { name: "Save widget" }).click();
    await expect(builder).toBeHidden();
  }
  await addWidget("metric", () => builder.getByLabel("Event", { exact: true }).fill("pageview"), "Pageview count");
  await addWidget("trend", () => builder.getByLabel("Event", { exact: true }).fill("pageview"), "Pageviews per day");
  await addWidget("breakdown", () => builder.getByLabel("Break down by").selectOption("country"), "By country");
  await addWidget(
    "funnel",
    async () => {
      await builder.getByLabel("Step 1 event").fill("pageview");
      await builder.getByLabel("Step 2 event").fill("signup");
    },
    "Signup funnel",
  );
  await addWidget("retention", async () => undefined, "Retention");

  const widgets = page.getByTestId("widget");
  await expect(widgets).toHaveCount(5);
  await expect(page.getByRole("region", { name: "Pageview count" }).getByText("4", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "By country" })).toContainText("France");
  await expect(page.getByRole("region", { name: "Signup funnel" })).toContainText("3");
  // The trend's data table (visually hidden, read by screen readers) holds the daily counts: 3 pageviews two days ago.
  await expect(page.getByRole("region", { name: "Pageviews per day" }).getByRole("table")).toContainText("3");
  await expect(page.getByRole("region", { name: "Retention" }).getByRole("table")).toBeVisible();

  // Where each widget sits on the grid (the DOM order follows the saved rows, so compare sorted).
  const order = () =>
    widgets.evaluateAll((els) =>
      els
        .map(
          (e) =>
            `${e.getAttribute("data-widget-title")}@${getComputedStyle(e).gridRowStart}/${getComputedStyle(e).gridColumnStart}`,
        )
        .sort(),
    );
  const before = await order();
  // The new order is drawn at once and saved after: the reload must come after the save is answered.
  const saved = page.waitForResponse(
    (response) => response.request().method() === "PUT" && response.url().endsWith("/layout"),
  );
  await widgets
    .nth(1)
    .getByRole("button", { name: /^Move / })
    .dragTo(widgets.nth(0), { steps: 10 });
  expect((await saved).ok()).toBe(true);
  await expect.poll(order).not.toEqual(before);
  const after = await order();
  await page.reload();
  await expect(widgets).toHaveCount(5);
  await expect.poll(order).toEqual(after);
});

test("a viewer sees reports but cannot change them, in the UI or on the server", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Read only",
      widgets: { create: [{ title: "Count", query: { kind: "metric" }, viz: { type: "metric" } }] },
    },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await expect(page.getByRole("heading", { name: "Read only" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add widget" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  const refused = await page.request.patch(`/api/v1/reports/${report.id}`, { data: { name: "Hacked" } });
  expect(refused.status()).toBe(403);
  const refusedWidget = await page.request.post(`/api/v1/reports/${report.id}/widgets`, {
    data: { title: "x", query: { kind: "metric" }, viz: { type: "metric" } },
  });
  expect(refusedWidget.status()).toBe(403);
  expect((await getPrisma().report.findUniqueOrThrow({ where: { id: report.id } })).name).toBe("Read only");
});

test("a user of one organization cannot open another organization's project or report by URL", async ({ page }) => {
  const mine = await seedAnalystWorkspace();
  const theirs = await seedAnalystWorkspace();
  const report = await getPrisma().report.create({
    data: { organizationId: theirs.organizationId, projectId: theirs.projectId, name: "Secret" },
  });
  await signIn(page, mine.email, mine.password);
  const projectPage = await page.goto(`/projects/${theirs.projectId}`);
  expect(projectPage?.status()).toBe(404);
  const reportPage = await page.goto(`/projects/${theirs.projectId}/reports/${report.id}`);
  expect(reportPage?.status()).toBe(404);
  expect((await page.request.get(`/api/v1/reports/${report.id}`)).status()).toBe(404);
  expect((await page.request.get(`/api/v1/reports/${report.id}/data`)).status()).toBe(404);
});
