// Saved segments in Chromium: the overview's filters saved as a segment become the view's segment
// (same numbers, the chips replaced), picking "All visitors" and the segment again changes every
// panel, the URL carries it (a reload keeps it), and the Segments page lists and deletes it.
import { expect, type Page, test } from "@playwright/test";
import { getPool } from "../lib/db/client";
import { ensureEventPartitions } from "../lib/db/partitions";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { signIn } from "../testing/analyst-workspace";
import { createMember, createTenant } from "../testing/fixtures";

test.use({ locale: "en-US" });

type Seed = [actor: string, name: string, at: string, country: string];
const seed: Seed[] = [
  ["alice", "pageview", "2026-11-12T09:00:00Z", "FR"],
  ["alice", "signup", "2026-11-12T09:05:00Z", "FR"],
  ["bob", "pageview", "2026-11-13T10:00:00Z", "DE"],
  ["bob", "signup", "2026-11-13T10:02:00Z", "DE"],
  ["carol", "pageview", "2026-11-14T08:00:00Z", "US"],
  ["dave", "pageview", "2026-11-15T11:00:00Z", "US"],
];

const card = (page: Page, name: string) => page.getByRole("region", { name, exact: true });
const visitors = (page: Page) => card(page, "Visitors").getByTestId("metric-value");
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

test("saves the view's filters as a segment, picks it on the overview, and keeps it in the URL", async ({ page }) => {
  const tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-11-01"), new Date("2026-12-01"));
  await writeEvents(
    getPool(),
    tenant.organizationId,
    tenant.projectId,
    seed.map(([actor, name, at, country]) =>
      eventRow({ name, timestamp: new Date(at), userId: actor, sessionId: actor, country, path: "/" }),
    ),
  );
  const { email, password } = await createMember(tenant.organizationId, "analyst", "e2e-password-123");
  await signIn(page, email, password);
  await page.goto(`/projects/${tenant.projectId}?from=2026-11-10&to=2026-11-16`);
  await expect(visitors(page)).toHaveText("4");

  // Filter to the visitors who signed up, then save that as a segment.
  await card(page, "Custom events").getByRole("button", { name: "signup", exact: true }).click();
  await expect(visitors(page)).toHaveText("2");
  await page.getByRole("button", { name: "Save filters as segment" }).click();
  await page.getByLabel("Segment name").fill("Signed up");
  await page.getByRole("button", { name: "Save segment" }).click();

  // The segment replaces the chips: same numbers, the URL names the segment instead of the filter.
  const picker = page.getByLabel("Segment", { exact: true });
  await expect(picker.locator("option:checked")).toHaveText("Signed up");
  await expect(page).toHaveURL(new RegExp(`[?&]segment=${UUID}`));
  await expect(page).not.toHaveURL(/[?&]f=/);
  await expect(page.getByRole("list", { name: "Filters" })).toHaveCount(0);
  await expect(visitors(page)).toHaveText("2");
  const segmentId = new URL(page.url()).searchParams.get("segment");

  // Everyone, then the segment again: every panel follows.
  await picker.selectOption({ label: "All visitors" });
  await expect(visitors(page)).toHaveText("4");
  await expect(page).not.toHaveURL(/[?&]segment=/);
  await expect(card(page, "Countries").getByRole("row")).toHaveCount(4);
  await picker.selectOption({ label: "Signed up" });
  await expect(visitors(page)).toHaveText("2");
  await expect(page).toHaveURL(new RegExp(`[?&]segment=${segmentId}`));
  await expect(card(page, "Countries")).not.toContainText("United States");

  // The URL is the view: a reload (or a shared link) shows the same segment.
  await page.reload();
  await expect(picker.locator("option:checked")).toHaveText("Signed up");
  await expect(visitors(page)).toHaveText("2");
  // Back returns to the view before the segment was picked again.
  await page.goBack();
  await expect(visitors(page)).toHaveText("4");

  // The Segments page lists it with its filters in words, and deletes it.
  await page.goto(`/projects/${tenant.projectId}/segments`);
  const item = page.getByRole("listitem", { name: "Signed up" });
  await expect(item).toContainText("did signup");
  page.once("dialog", (dialog) => void dialog.accept());
  await item.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("No segments yet")).toBeVisible();
});
