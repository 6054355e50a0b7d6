// Labels in Chromium, as a reader sees them: dimension names in words ("UTM source", "OS"), values
// named rather than coded (country names, capitalised device types, "Direct / none" for a visit
// without referrer or campaign, "Unknown" where the server could not tell), and counts with their
// noun in the right form ("1 widget") — on a desktop screen and on a phone-sized one.
import { expect, type Page, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

type Workspace = Awaited<ReturnType<typeof seedAnalystWorkspace>>;

/**
 * The analyst workspace (FR, DE and US desktop visits, no campaign) plus a visit from a newsletter on
 * a phone, by a visitor first seen 35 days ago (returning in the last 30 days; the others are new).
 */
async function seedLabelledWorkspace(): Promise<Workspace> {
  const ws = await seedAnalystWorkspace();
  await writeEvents(getPool(), ws.organizationId, ws.projectId, [
    eventRow({
      name: "pageview",
      timestamp: new Date(Date.now() - 3 * 86_400_000),
      userId: "u-phone",
      sessionId: "u-phone-1",
      path: "/",
      country: "JP",
      os: "iOS",
      deviceType: "mobile",
      utmSource: "newsletter",
    }),
    eventRow({
      name: "pageview",
      timestamp: new Date(Date.now() - 35 * 86_400_000),
      userId: "u-phone",
      sessionId: "u-phone-0",
      path: "/",
      country: "JP",
      os: "iOS",
      deviceType: "mobile",
    }),
  ]);
  return ws;
}

const panel = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true });

/** A breakdown panel's value column heading and its rows' names (in any order: ties have none). */
async function expectBreakdown(page: Page, title: string, heading: string, names: string[]) {
  const table = panel(page, title).getByRole("table");
  await expect(table.getByRole("columnheader").nth(1)).toHaveText(heading);
  await expect
    .poll(async () => (await table.locator("tbody").getByRole("rowheader").allInnerTexts()).sort())
    .toEqual([...names].sort());
}

async function expectOverviewLabels(page: Page, ws: Workspace) {
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  // Three visitors came without a campaign, one from the newsletter.
  await expectBreakdown(page, "UTM sources", "UTM source", ["Direct / none", "newsletter"]);
  await expectBreakdown(page, "Referrers", "Referrer", ["Direct / none", "google.com"]);
  await expectBreakdown(page, "Operating systems", "OS", ["Unknown", "iOS"]);
  await expectBreakdown(page, "Devices", "Device", ["Desktop", "Mobile"]);
  await expectBreakdown(page, "Countries", "Country", ["Germany", "France", "Japan", "United States"]);
  await expectBreakdown(page, "New vs returning", "Visitor type", ["New", "Returning"]);
  await expect(panel(page, "New vs returning").locator("tbody tr", { hasText: "Returning" })).toContainText("1");
  // Codes stay in the data: picking a country filters by its code and the chip names the country.
  await panel(page, "Countries").getByRole("button", { name: "Japan" }).click();
  await expect(page).toHaveURL(/f=country%3Aequals%3AJP/);
  await expect(page.getByRole("list", { name: "Filters" })).toContainText("Country is Japan");
}

test("the overview names dimensions and values in words", async ({ page }) => {
  await expectOverviewLabels(page, await seedLabelledWorkspace());
});

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("the overview names dimensions and values in words", async ({ page }) => {
    await expectOverviewLabels(page, await seedLabelledWorkspace());
  });
});

test("the report list counts widgets with the noun in the right form", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  const widget = (title: string) => ({
    title,
    query: { kind: "metric", event: "pageview" },
    viz: { type: "metric" },
  });
  for (const [name, widgets] of [
    ["One chart", [widget("Pageviews")]],
    ["Two charts", [widget("Pageviews"), widget("Again")]],
    ["Empty", []],
  ] as const) {
    await getPrisma().report.create({
      data: {
        organizationId: ws.organizationId,
        projectId: ws.projectId,
        name,
        widgets: { create: [...widgets] },
      },
    });
  }
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports`);
  const row = (name: string) => page.getByRole("listitem").filter({ hasText: name });
  await expect(row("One chart")).toContainText(/1 widget(?!s)/);
  await expect(row("Two charts")).toContainText("2 widgets");
  await expect(row("Empty")).toContainText("0 widgets");
});
