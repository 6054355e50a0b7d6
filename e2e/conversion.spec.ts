// Clicking a custom event keeps the visitors who did it (a conversion filter), in Chromium: every
// panel shows those visitors' visits, where an event filter would leave their pageviews at 0 and
// the bounce rate undefined, and a conversion rate joins the headline metrics.
import { expect, type Page, test } from "@playwright/test";
import { getPool } from "../lib/db/client";
import { ensureEventPartitions } from "../lib/db/partitions";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { signIn } from "../testing/analyst-workspace";
import { createMember, createTenant } from "../testing/fixtures";

test.use({ locale: "en-US" });

type Seed = [actor: string, name: string, at: string, session: string, country: string];
const seed: Seed[] = [
  ["alice", "pageview", "2026-11-12T09:00:00Z", "a1", "FR"],
  ["alice", "pageview", "2026-11-12T09:02:00Z", "a1", "FR"],
  ["alice", "signup", "2026-11-12T09:05:00Z", "a1", "FR"],
  ["bob", "pageview", "2026-11-13T10:00:00Z", "b1", "DE"], // a bounce
  ["bob", "signup", "2026-11-13T12:00:00Z", "b2", "DE"], // a session without pageviews
  ["carol", "pageview", "2026-11-14T08:00:00Z", "c1", "US"],
  ["carol", "pageview", "2026-11-14T08:03:00Z", "c1", "US"],
  ["carol", "purchase", "2026-11-14T08:10:00Z", "c1", "US"],
  ["dave", "pageview", "2026-11-15T11:00:00Z", "d1", "US"],
];

const card = (page: Page, name: string) => page.getByRole("region", { name, exact: true });
const value = (page: Page, name: string) => card(page, name).getByTestId("metric-value");

test("clicking a custom event shows the visitors who did it, and their conversion rate", async ({ page }) => {
  const tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-11-01"), new Date("2026-12-01"));
  await writeEvents(
    getPool(),
    tenant.organizationId,
    tenant.projectId,
    seed.map(([actor, name, at, session, country]) =>
      eventRow({ name, timestamp: new Date(at), userId: actor, sessionId: `${actor}-${session}`, country, path: "/" }),
    ),
  );
  const { email, password } = await createMember(tenant.organizationId, "analyst", "e2e-password-123");
  await signIn(page, email, password);
  await page.goto(`/projects/${tenant.projectId}?from=2026-11-10&to=2026-11-16`);
  await expect(value(page, "Visitors")).toHaveText("4");
  await expect(value(page, "Pageviews")).toHaveText("6");
  await expect(card(page, "Conversion rate")).toHaveCount(0);

  const events = card(page, "Custom events");
  await expect(events.getByRole("row")).toHaveCount(3);
  await events.getByRole("button", { name: "signup", exact: true }).click();
  await expect(page).toHaveURL(/f=performed%3Aequals%3Asignup/);
  await expect(page.getByRole("list", { name: "Filters" })).toHaveText(/Visitors who did signup/);

  // alice and bob: their 3 pageviews, 1 bounce of their 2 sessions with a pageview, 2 of the 4 visitors.
  await expect(value(page, "Visitors")).toHaveText("2");
  await expect(value(page, "Pageviews")).toHaveText("3");
  await expect(value(page, "Sessions")).toHaveText("3");
  await expect(value(page, "Bounce rate")).toHaveText("50%");
  await expect(value(page, "Conversion rate")).toHaveText("50%");
  // Breakdowns are theirs: their countries, and only the custom events they did.
  await expect(card(page, "Countries").getByRole("row")).toHaveCount(3);
  await expect(card(page, "Countries")).not.toContainText("United States");
  await expect(events.getByRole("row")).toHaveCount(2);
  await expect(events).not.toContainText("purchase");

  // Their conversion rate over time, as any headline metric.
  await card(page, "Conversion rate").getByTestId("metric-value").click();
  await expect(
    card(page, "Conversion rate over time").getByRole("img", { name: /^Area chart of Conversion rate/ }),
  ).toHaveAttribute("aria-label", /Total: Conversion rate 50%\.$/);

  // The view is the URL: a reload keeps it, and removing the filter brings everyone back.
  await page.reload();
  await expect(value(page, "Conversion rate")).toHaveText("50%");
  await page.getByRole("button", { name: "Remove filter Visitors who did signup" }).click();
  await expect(value(page, "Visitors")).toHaveText("4");
  await expect(card(page, "Conversion rate")).toHaveCount(0);
});
