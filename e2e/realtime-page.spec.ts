// The realtime page follows ingestion without a reload: an event sent to the ingestion API shows up
// in the live feed, "active now", the current pages and the 30-minute chart, pushed by the project's
// stream. A viewer sees it (as on the overview) but has no People entry.
import { expect, test } from "@playwright/test";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { postEvents } from "../testing/fixtures";

const chrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

test("shows an ingested event in the feed and the active count live, for a viewer", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  const nav = page.getByRole("navigation", { name: "Project" });
  await expect(nav.getByRole("link", { name: "People" })).toHaveCount(0);
  await nav.getByRole("link", { name: "Realtime" }).click();
  await expect(nav.getByRole("link", { name: "Realtime" })).toHaveAttribute("aria-current", "page");

  // The seeded events are days old: nobody now, nothing in the last 30 minutes.
  await expect(page.getByTestId("realtime-active")).toHaveText("0");
  await expect(page.getByText("No events in the last 30 minutes.")).toBeVisible();
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "open");

  const started = Date.now();
  const sent = await postEvents(
    {
      events: [
        {
          name: "pageview",
          anonymous_id: "live-visitor",
          context: { page: { url: "https://example.com/live-page", path: "/live-page" } },
        },
      ],
    },
    { key: ws.writeKey, headers: { "user-agent": chrome } },
  );
  expect(sent.status).toBe(202);
  const feed = page.getByTestId("realtime-feed");
  await expect(feed.getByRole("listitem")).toHaveCount(1);
  await expect(feed).toContainText("pageview");
  await expect(feed).toContainText("/live-page");
  await expect(page.getByTestId("realtime-active")).toHaveText("1");
  await expect(page.getByTestId("current-pages")).toContainText("/live-page");
  await expect(page.getByTestId("minutes-chart")).toHaveAttribute("data-events", "1");
  console.log(`realtime page live update: ${Date.now() - started} ms from ingest request to the feed`);
  // A viewer is not shown who did it.
  await expect(feed.getByRole("link")).toHaveCount(0);
});
