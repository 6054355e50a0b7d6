// Goals in Chromium: an analyst creates a page goal in the project's settings, sees it on the
// overview with its visitors and conversion rate, and clicking it keeps the visitors who completed
// it (a goal conversion filter), with the conversion rate among the headline metrics.
import { expect, type Page, test } from "@playwright/test";
import { getPool } from "../lib/db/client";
import { ensureEventPartitions } from "../lib/db/partitions";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { signIn } from "../testing/analyst-workspace";
import { createMember, createTenant } from "../testing/fixtures";

test.use({ locale: "en-US" });

// Four visitors; alice and carol read a blog post ("/blog" alone is not one), bob signs up.
const seed: [actor: string, name: string, at: string, path: string][] = [
  ["alice", "pageview", "2026-11-12T09:00:00Z", "/blog/launch"],
  ["alice", "pageview", "2026-11-12T09:02:00Z", "/pricing"],
  ["bob", "pageview", "2026-11-13T10:00:00Z", "/blog"],
  ["bob", "signup", "2026-11-13T10:05:00Z", "/signup"],
  ["carol", "pageview", "2026-11-14T08:00:00Z", "/blog/2026/goals"],
  ["dave", "pageview", "2026-11-15T11:00:00Z", "/"],
];

const card = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

test("a goal made in settings shows on the overview with its rate, and clicking it keeps its visitors", async ({
  page,
}) => {
  // Three pages and a form: two overview loads of about twenty panel queries each take 10 s apiece
  // on a two-core machine shared with other suites (seen at load 20): twice the default to spare.
  test.setTimeout(240_000);
  const tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-11-01"), new Date("2026-12-01"));
  await writeEvents(
    getPool(),
    tenant.organizationId,
    tenant.projectId,
    seed.map(([actor, name, at, path]) => eventRow({ name, timestamp: new Date(at), userId: actor, path })),
  );
  const { email, password } = await createMember(tenant.organizationId, "analyst", "e2e-password-123");
  await signIn(page, email, password);

  await page.goto(`/projects/${tenant.projectId}?from=2026-11-10&to=2026-11-16`);
  await expect(card(page, "Goals")).toContainText("No goals yet");

  await page.goto(`/projects/${tenant.projectId}/settings`);
  const form = page.getByRole("form", { name: "Create a goal" });
  await form.getByLabel("Goal name").fill("Read the blog");
  await form.getByLabel("Completed by").selectOption("page");
  await form.getByLabel("Page path").fill("/blog/*");
  await form.getByRole("button", { name: "Create goal" }).click();
  await expect(page.getByRole("list", { name: "Goals" })).toContainText("Read the blog · Pages matching /blog/*");

  await page.goto(`/projects/${tenant.projectId}?from=2026-11-10&to=2026-11-16`);
  const goals = card(page, "Goals");
  const row = goals.getByRole("row", { name: /Read the blog/ });
  await expect(row.getByTestId("goal-visitors")).toHaveText("2");
  await expect(row.getByTestId("goal-rate")).toHaveText("50%");

  await row.getByRole("button", { name: "Read the blog" }).click();
  await expect(page).toHaveURL(/f=goal%3Aequals%3A[0-9a-f-]{36}/);
  await expect(page.getByRole("list", { name: "Filters" })).toHaveText(/Visitors who completed Read the blog/);
  await expect(card(page, "Visitors").getByTestId("metric-value")).toHaveText("2");
  await expect(card(page, "Conversion rate").getByTestId("metric-value")).toHaveText("50%");
  // Within the goal's visitors, everyone completed it.
  await expect(row.getByTestId("goal-rate")).toHaveText("100%");
});
