// Comparisons like with like, in Chromium, with the clock held at Wednesday 2026-11-18 14:37 in
// Paris (the project's zone): on the page (Playwright's clock) and on the server (X-Lumen-Test-Now,
// which test servers honour: lib/clock.ts). "Today" is compared with yesterday until 14:37 (and the
// last 7 days with the 7 days before, until 14:37 a week ago), the hours still to come are blank,
// the bounce rate changes in percentage points, and the previous period is drawn on request, in the
// overview and in embeds alike.
import { expect, type Locator, type Page, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { ensureEventPartitions } from "../lib/db/partitions";
import { createEmbed } from "../lib/embed/issue";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { signIn } from "../testing/analyst-workspace";
import { createMember, createTenant } from "../testing/fixtures";

const NOW = "2026-11-18T13:37:00.000Z";

test.use({ locale: "en-US", timezoneId: "Europe/Paris" });

type Seed = [actor: string, name: string, at: string, session: string];
const seed: Seed[] = [
  // Yesterday until 14:37 Paris: 3 pageviews by 3 visitors in 3 sessions, one of them a bounce.
  ["ann", "pageview", "2026-11-17T08:00:00Z", "s1"],
  ["ben", "pageview", "2026-11-17T12:00:00Z", "s2"],
  ["ben", "signup", "2026-11-17T12:05:00Z", "s2"],
  ["cat", "pageview", "2026-11-17T13:36:00Z", "s3"],
  ["cat", "click", "2026-11-17T13:36:30Z", "s3"],
  // Yesterday after 14:37: two more bounces (all of yesterday: 5 pageviews, 3 bounces of 5).
  ["dan", "pageview", "2026-11-17T15:00:00Z", "s4"],
  ["eve", "pageview", "2026-11-17T18:00:00Z", "s5"],
  // A week ago (Wednesday the 11th), before and after 14:37: the last 7 days' previous period ends at the first.
  ["ivy", "pageview", "2026-11-11T09:00:00Z", "s10"],
  ["jon", "pageview", "2026-11-11T16:00:00Z", "s11"],
  // Today until 14:37: 4 pageviews by 4 visitors, 3 of 4 sessions bounced.
  ["ann", "pageview", "2026-11-18T07:00:00Z", "s6"],
  ["ann", "click", "2026-11-18T07:01:00Z", "s6"],
  ["fay", "pageview", "2026-11-18T10:00:00Z", "s7"],
  ["gus", "pageview", "2026-11-18T13:10:00Z", "s8"],
  ["hal", "pageview", "2026-11-18T13:30:00Z", "s9"],
];

async function seedWorkspace() {
  const tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-11-01"), new Date("2026-12-01"));
  await writeEvents(
    getPool(),
    tenant.organizationId,
    tenant.projectId,
    seed.map(([actor, name, at, session]) =>
      eventRow({ name, timestamp: new Date(at), userId: actor, sessionId: `${actor}-${session}`, path: "/" }),
    ),
  );
  return tenant;
}

/** Signs in, then holds the page's clock and the server's (for this page's requests) at NOW. */
async function openOverviewAt(page: Page, projectId: string, organizationId: string, query: string) {
  const { email, password } = await createMember(organizationId, "analyst", "e2e-password-123");
  await signIn(page, email, password);
  await page.clock.setFixedTime(NOW);
  await page.context().setExtraHTTPHeaders({ "x-lumen-test-now": NOW });
  await page.goto(`/projects/${projectId}?${query}`);
}

const card = (page: Page, name: string) => page.getByRole("region", { name, exact: true });
/** A row of a trend's data table by its hour today (the en-US time may hold a narrow no-break space). */
const hourRow = (table: Locator, hour: string) => table.getByRole("row", { name: new RegExp(`, ${hour}\\sPM`) });
const change = (panel: Locator) => panel.locator("span.font-medium", { has: panel.page().locator(".sr-only") });

test("today is compared with yesterday until the same time, and the hours to come stay blank", async ({ page }) => {
  const tenant = await seedWorkspace();
  await openOverviewAt(page, tenant.projectId, tenant.organizationId, "range=today");

  // 4 pageviews today against 3 yesterday until 14:37 (not all of yesterday's 5: "down 20%").
  const pageviews = card(page, "Pageviews");
  await expect(pageviews.getByTestId("metric-value")).toHaveText("4");
  await expect(change(pageviews)).toHaveText("▲ Up 33%");
  await expect(change(pageviews)).toHaveClass(/emerald/);
  await expect(pageviews.getByTestId("metric-change")).toContainText("vs 3 in the previous period");

  // 3 of 4 sessions bounced today, 1 of 3 yesterday until 14:37: up 41.7 percentage points, which is bad.
  const bounce = card(page, "Bounce rate");
  await expect(bounce.getByTestId("metric-value")).toHaveText("75%");
  await expect(change(bounce)).toHaveText("▲ Up +41.7 pp");
  await expect(change(bounce)).toHaveClass(/rose/);
  await expect(bounce.getByTestId("metric-change")).toContainText("vs 33% in the previous period");

  // The hourly trend (its data table, read by screen readers): 14:00 holds 2 visitors, 15:00 on nothing yet.
  const panel = card(page, "Visitors over time");
  const trend = panel.getByRole("table");
  await expect(trend.getByRole("row")).toHaveCount(25);
  await expect(hourRow(trend, "1:00")).toHaveText(/PM0$/);
  await expect(hourRow(trend, "2:00")).toHaveText(/PM2$/);
  for (const hour of ["3:00", "11:00"]) await expect(hourRow(trend, hour)).toHaveText(/PM–$/);
  // No line is drawn over the blank hours: the curve stops at the current hour (14:00, the 15th of
  // 24 points: about 61% of the way across), where zeros would take it to the right edge.
  // Measured until it holds: while the chart lays out and animates in (later on a loaded machine) the
  // curve's and the grid's boxes are not yet their final ones.
  const curve = panel.locator("svg .recharts-area-curve");
  await expect(curve).toHaveCount(1);
  const share = async () => {
    const plotted = await curve.boundingBox();
    const grid = await panel.locator("svg .recharts-cartesian-grid").boundingBox();
    return plotted && grid ? Math.round((plotted.width / grid.width) * 100) : null;
  };
  await expect.poll(share).toBeGreaterThan(50);
  await expect.poll(share).toBeLessThan(70);
});

test("the last 7 days, ending today, are compared with the 7 days before until the same time", async ({ page }) => {
  const tenant = await seedWorkspace();
  await openOverviewAt(page, tenant.projectId, tenant.organizationId, "range=last_7_days");
  // The 12th to now: 9 pageviews; the 5th to the 11th at 14:37: 1 (not 2: the 11th's 5 PM is after it).
  const pageviews = card(page, "Pageviews");
  await expect(pageviews.getByTestId("metric-value")).toHaveText("9");
  await expect(pageviews.getByTestId("metric-change")).toContainText("vs 1 in the previous period");
});

test("the previous period is drawn on request, kept in the URL, and taken away again", async ({ page }) => {
  const tenant = await seedWorkspace();
  await openOverviewAt(page, tenant.projectId, tenant.organizationId, "range=today");
  const panel = card(page, "Visitors over time");
  await expect(hourRow(panel.getByRole("table"), "2:00")).toHaveText(/PM2$/);
  await expect(panel.locator(".lumen-previous-period")).toHaveCount(0);

  await page.getByLabel("Compare to previous period").check();
  await expect(page).toHaveURL(/compare=previous/);
  await expect(panel.locator(".lumen-previous-period .recharts-line-curve")).toHaveCount(1);
  await expect(panel.locator(".lumen-previous-period .recharts-line-curve")).toHaveAttribute("stroke-dasharray", "5 4");
  const table = panel.getByRole("table");
  await expect(table.getByRole("columnheader", { name: "Previous period" })).toBeVisible();
  // Yesterday's whole day is drawn, hour by hour against today's: 4 PM (dan) and 7 PM (eve) included.
  await expect(hourRow(table, "2:00")).toHaveText(/PM21$/);
  await expect(hourRow(table, "4:00")).toHaveText(/PM–1$/);
  await expect(hourRow(table, "7:00")).toHaveText(/PM–1$/);
  await expect(panel.getByRole("img", { name: /^Area chart of Visitors/ })).toHaveAttribute(
    "aria-label",
    /Dashed: Previous period 5\.$/,
  );

  await page.reload();
  await expect(page.getByLabel("Compare to previous period")).toBeChecked();
  await expect(panel.locator(".lumen-previous-period .recharts-line-curve")).toHaveCount(1);
  await page.getByLabel("Compare to previous period").uncheck();
  await expect(page).not.toHaveURL(/compare=/);
  await expect(panel.locator(".lumen-previous-period")).toHaveCount(0);
});

test("an embed shows the same comparisons: percentage points, and the previous period it locks", async ({
  page,
  baseURL,
}) => {
  const tenant = await seedWorkspace();
  const admin = await createMember(tenant.organizationId, "admin");
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Traffic",
      widgets: {
        create: [
          {
            title: "Bounce rate",
            query: { kind: "metric", measure: { type: "bounce_rate" } },
            viz: { type: "metric" },
          },
          {
            title: "Pageviews by hour",
            query: { kind: "trend", event: "pageview", interval: "hour" },
            viz: { type: "line" },
            gridY: 1,
          },
        ],
      },
    },
  });
  // A finished day: the 18th against the whole 17th.
  const embed = await createEmbed(
    { userId: admin.id },
    { report_id: report.id, params: { range: { from: "2026-11-18", to: "2026-11-18" }, compare: true } },
    baseURL!,
  );
  await page.goto(embed.url);
  const bounce = card(page, "Bounce rate");
  await expect(bounce.getByTestId("metric-value")).toHaveText("75%");
  await expect(change(bounce)).toHaveText("▲ Up +15.0 pp");
  await expect(bounce.getByTestId("metric-change")).toContainText("vs 60% in the previous period");
  const trend = card(page, "Pageviews by hour");
  await expect(trend.locator(".lumen-previous-period .recharts-line-curve")).toHaveCount(1);
  await expect(hourRow(trend.getByRole("table"), "2:00")).toHaveText(/PM21$/);
});
