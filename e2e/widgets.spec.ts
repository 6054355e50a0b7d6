// The widget gallery (app/widgets-preview): every renderer draws with the expected labels and
// accessible names, and breakdown rows call back on click and on Enter.
import { expect, type Locator, test } from "@playwright/test";

test.use({ locale: "en-US" });

const widget = (section: Locator, title: string) => section.getByRole("region", { name: title, exact: true });

test.describe("widgets preview", () => {
  let light: Locator;
  test.beforeEach(async ({ page }) => {
    await page.goto("/widgets-preview");
    light = page.getByRole("region", { name: "Light", exact: true });
  });

  test("trend charts draw SVG with locale dates, a summary and a hidden data table", async () => {
    const line = widget(light, "Pageviews (line)");
    const chart = line.getByRole("img", {
      name: "Line chart of Pageviews, 14 days from Mar 1 to Fri, Mar 14, 2025. Total: Pageviews 19,030.",
    });
    await expect(chart.locator("svg .recharts-line-curve")).toHaveCount(1);
    await expect(chart.locator("svg").getByText("Mar 3", { exact: true })).toBeVisible();
    const table = line.getByRole("table", { name: "Pageviews" });
    await expect(table).toContainText("Wed, Mar 5, 2025");
    await expect(table.getByRole("row")).toHaveCount(15);

    const bars = widget(light, "Visits by source (bar)").getByRole("img", {
      name: /^Bar chart of Visits by source, .* Total: google [\d,]+; twitter [\d,]+; Direct \/ none [\d,]+; Other [\d,]+\.$/,
    });
    await expect(bars.locator("svg .recharts-bar-rectangle").first()).toBeVisible();
    await expect(bars.locator(".recharts-legend-item-text")).toHaveText([
      "google",
      "twitter",
      "Direct / none",
      "Other",
    ]);
    await expect(
      widget(light, "Visits by source (area)")
        .getByRole("img", { name: /^Area chart of Visits by source/ })
        .locator("svg .recharts-area-area"),
    ).toHaveCount(4);
  });

  test("metric cards format numbers, rates and durations and colour the change", async () => {
    const card = widget(light, "Visitors");
    await expect(card).toContainText("48,213");
    await expect(card).toContainText("Up 18%");
    await expect(card).toContainText("38%");
    await expect(card).toContainText("3m 20s");
    // Bounce rate went down, which is good; session duration went down, which is bad.
    const changes = card.locator("span.font-medium", { hasText: "Down" });
    await expect(changes.nth(0)).toHaveClass(/emerald/);
    await expect(changes.nth(1)).toHaveClass(/rose/);
  });

  test("breakdown rows call back on click and on Enter; Other is not selectable", async ({ page }) => {
    const bars = widget(light, "Top pages (bars)");
    await expect(bars.getByRole("list", { name: "Pageviews by Page" }).getByRole("listitem")).toHaveCount(6);
    await bars.getByRole("button", { name: "/pricing" }).click();
    await expect(light.getByText("Selected: /pricing")).toBeVisible();
    // The group of pageviews without a path is named for what it is, and selecting it passes null.
    await bars.getByRole("button", { name: "Not set" }).click();
    await expect(light.getByText("Selected: (none)")).toBeVisible();
    await expect(bars.getByRole("button", { name: "Other" })).toHaveCount(0);

    const table = widget(light, "Top pages (table)").getByRole("table", { name: "Pageviews by Page" });
    await expect(table.getByRole("row")).toHaveCount(7);
    await expect(table.getByRole("row", { name: /Other/ })).toContainText("9.3%");
    await table.getByRole("button", { name: "/docs/getting-started" }).focus();
    await page.keyboard.press("Enter");
    await expect(light.getByText("Selected: /docs/getting-started")).toBeVisible();

    const donut = widget(light, "Top pages (donut)");
    await expect(
      donut
        .getByRole("img", { name: /^Donut chart of Pageviews by Page: \/ 8,210 \(44%\); \/pricing 4,320 \(23%\);/ })
        .locator("svg .recharts-pie-sector"),
    ).toHaveCount(6);
    await donut.getByRole("button", { name: "/blog/launch" }).click();
    await expect(light.getByText("Selected: /blog/launch")).toBeVisible();
  });

  test("funnel and retention render their steps and cohorts", async () => {
    const funnel = widget(light, "Signup funnel (horizontal)");
    await expect(funnel.getByRole("list", { name: "Signup funnel" }).getByRole("listitem")).toHaveCount(3);
    await expect(funnel).toContainText("40% of first · 40% from previous · 3,120 dropped");
    await expect(funnel.getByRole("table", { name: "Funnel by group" }).getByRole("row")).toHaveCount(4);

    const retention = widget(light, "Weekly retention").getByRole("table", { name: /^Weekly retention/ });
    await expect(retention.getByRole("columnheader")).toHaveText([
      "Cohort",
      "Users",
      "Week 0",
      "Week 1",
      "Week 2",
      "Week 3",
      "Week 4",
      "Week 5",
    ]);
    await expect(retention.getByRole("row", { name: /Feb 3/ })).toContainText("412");
    await expect(retention.getByRole("row", { name: /Mar 3/ }).getByRole("cell", { name: "100%" })).toHaveCount(1);
  });

  test("paths draw a flow of their steps, with the numbers in a table", async () => {
    const paths = widget(light, "Paths from home");
    await expect(paths.getByRole("img", { name: /^Flow of Paths from home: 1,000 sessions from \// })).toBeVisible();
    await expect(paths.locator("svg .recharts-sankey-link")).toHaveCount(8);
    await expect(paths.locator("svg text")).toHaveCount(7); // a labelled node per value of each step
    await expect(paths.locator("svg text", { hasText: /^signup 170$/ })).toHaveCount(1);
    const table = paths.getByRole("table", { name: "Paths from home" });
    await expect(table.getByRole("row")).toHaveCount(8); // the header and seven values
    await expect(table.getByRole("row", { name: /^Step 1 Other 120 19% 60$/ })).toHaveCount(1);
  });

  test("frames show loading, error with retry, and empty states", async () => {
    await expect(widget(light, "Loading")).toHaveAttribute("aria-busy", "true");
    const failing = widget(light, "Failing");
    await expect(failing.getByRole("alert")).toHaveText("Query timed out (retried 0×)");
    await failing.getByRole("button", { name: "Retry" }).click();
    await expect(failing.getByRole("alert")).toHaveText("Query timed out (retried 1×)");
    await expect(widget(light, "Empty")).toContainText("No data in this period");
  });

  test("loading placeholders pulse, and stand still for visitors who ask for reduced motion", async ({ page }) => {
    const placeholder = widget(light, "Loading").locator(".animate-pulse").first();
    await page.emulateMedia({ reducedMotion: "no-preference" });
    await expect(placeholder).toHaveCSS("animation-name", "pulse");
    await page.emulateMedia({ reducedMotion: "reduce" });
    await expect(placeholder).toHaveCSS("animation-name", "none");
  });

  test("the dark section uses the embed accent, and no chart image holds focusable content", async ({ page }) => {
    const dark = page.getByRole("region", { name: "Dark", exact: true });
    await expect(widget(dark, "Pageviews (line)").locator("svg .recharts-line-curve")).toHaveAttribute(
      "stroke",
      "#f97316",
    );
    const focusable = await page
      .locator("[role=img]")
      .evaluateAll(
        (images) =>
          images.filter((img) => img.querySelector("button, a[href], [tabindex]:not([tabindex='-1'])")).length,
      );
    expect(focusable).toBe(0);
  });
});
