// The overview's realtime numbers come from the project's event stream: events sent to the
// ingestion API show up in "active now" without a reload, well within the 30 s the overview
// used to poll at.
import { expect, test } from "@playwright/test";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { postEvents } from "../testing/fixtures";

const chrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

test("active now follows ingestion live, for a viewer, without reloading", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  // In the page's main content: while the page streams in, a copy of it can wait in a hidden node
  // outside it, and a locator on the whole document then finds two.
  const main = page.locator("#main-content");
  // The seeded events are days old: nobody is active.
  await expect(main.getByTestId("active-now")).toHaveText("0");
  await expect(main.getByTestId("events-last-minute")).toHaveText("0");

  const started = Date.now();
  const send = (visitor: string) =>
    postEvents(
      { events: [{ name: "pageview", anonymous_id: visitor }] },
      { key: ws.writeKey, headers: { "user-agent": chrome } },
    );
  expect((await send("visitor-1")).status).toBe(202);
  await expect(main.getByTestId("active-now")).toHaveText("1");
  // The count's noun agrees with it: "1 event", "3 events".
  const lastMinute = main.getByTestId("events-last-minute").locator("..");
  await expect(lastMinute).toHaveText("· 1 event in the last minute");
  console.log(`overview live update: ${Date.now() - started} ms from ingest request to the new number`);

  expect((await send("visitor-2")).status).toBe(202);
  expect((await send("visitor-2")).status).toBe(202);
  await expect(main.getByTestId("active-now")).toHaveText("2");
  await expect(main.getByTestId("events-last-minute")).toHaveText("3");
  await expect(lastMinute).toHaveText("· 3 events in the last minute");
});
