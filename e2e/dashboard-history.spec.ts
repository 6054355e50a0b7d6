// The overview in Chromium: every range and filter change is a history entry (Back undoes it,
// Forward redoes it), and the skeletons shown while the first numbers load are about as tall as
// what replaces them, so nothing jumps when the data arrives.
import { expect, type Page, type Route, test } from "@playwright/test";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

const metric = (page: Page, name: string) =>
  page.getByRole("region", { name, exact: true }).getByTestId("metric-value");

test("Back undoes a filter, then a range change; Forward redoes them", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  await expect(metric(page, "Pageviews")).toHaveText("4");

  await page.getByLabel("Date range").selectOption("last_7_days");
  await expect(page).toHaveURL(/range=last_7_days/);
  await expect(metric(page, "Pageviews")).toHaveText("3");
  await page.getByRole("region", { name: "Countries" }).getByRole("button", { name: "France" }).click();
  await expect(page.getByRole("list", { name: "Filters" })).toContainText("Country is France");
  await expect(metric(page, "Pageviews")).toHaveText("2");

  await page.goBack();
  await expect(page.getByRole("list", { name: "Filters" })).toHaveCount(0);
  await expect(page).toHaveURL(/range=last_7_days/);
  await expect(page.getByLabel("Date range")).toHaveValue("last_7_days");
  await expect(metric(page, "Pageviews")).toHaveText("3");

  await page.goBack();
  await expect(page).not.toHaveURL(/range=/);
  await expect(page.getByLabel("Date range")).toHaveValue("last_30_days");
  await expect(metric(page, "Pageviews")).toHaveText("4");

  await page.goForward();
  await page.goForward();
  await expect(page.getByRole("list", { name: "Filters" })).toContainText("Country is France");
  await expect(metric(page, "Pageviews")).toHaveText("2");
});

test("the overview's skeletons are about as tall as the panels that replace them", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  // Hold every query until the loading page is measured.
  const held: Route[] = [];
  let release = false;
  await page.route("**/api/v1/query", async (route) => {
    if (release) return route.continue();
    held.push(route);
  });
  await page.goto(`/projects/${ws.projectId}`);
  const panels = ["Visitors", "Pageviews", "Bounce rate", "Visitors over time", "Top pages", "Countries"];
  const heights = () =>
    Promise.all(
      panels.map((name) =>
        page.getByRole("region", { name, exact: true }).evaluate((e) => e.getBoundingClientRect().height),
      ),
    );
  await expect(page.getByRole("region", { name: "Top pages" }).getByTestId("widget-skeleton")).toBeVisible();
  // Five headline metrics, the trend, nine breakdowns ("New vs returning" among them).
  await expect(page.getByTestId("widget-skeleton")).toHaveCount(5 + 1 + 9);
  const loading = await heights();

  release = true;
  for (const route of held.splice(0)) await route.continue();
  // Sixteen queries answered at once: give a busy machine time.
  await expect(page.getByTestId("widget-skeleton")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Top pages" }).getByRole("table")).toBeVisible();
  const loaded = await heights();
  for (const [i, name] of panels.entries()) {
    // Metrics and charts within a line of text; tables within two rows (the skeleton cannot know how many come).
    const allowed = name === "Top pages" || name === "Countries" ? 2 * 33 : 24;
    expect(
      Math.abs(loaded[i]! - loading[i]!),
      `${name}: ${loading[i]} px loading, ${loaded[i]} px loaded`,
    ).toBeLessThanOrEqual(allowed);
  }
});
