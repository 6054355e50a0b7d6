// The analyst's own views are live like embeds: events sent to the ingestion API show up in the
// overview's metrics and in a report's widgets without a reload, through the project's stream
// (the same feed that moves "active now"). Waited for as long as any other condition, as the embed
// test does: each update is a stream event and then the panels' queries, seconds on a loaded machine,
// and these pages never poll, so a page that is not live never shows the new numbers.
import { expect, type Page, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { postEvents } from "../testing/fixtures";

const chrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const metric = (page: Page, name: string) =>
  page.getByRole("region", { name, exact: true }).getByTestId("metric-value");

/** The value cell of a breakdown table's row (cells: rank, value, share; the name is the row header). */
const pageviewsOf = (page: Page, table: string, path: string) =>
  page
    .getByRole("region", { name: table })
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: path, exact: true }) })
    .getByRole("cell")
    .nth(1);

/** Changes after this point reach the page: its stream is open and has sent its first value. */
async function waitForLiveStream(page: Page) {
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "open");
}

async function sendPageviews(writeKey: string, visitors: string[]) {
  const response = await postEvents(
    {
      events: visitors.map((visitor) => ({
        name: "pageview",
        anonymous_id: visitor,
        context: { page: { url: "https://example.com/live" } },
      })),
    },
    { key: writeKey, headers: { "user-agent": chrome } },
  );
  expect(response.status).toBe(202);
}

test("the overview's metrics, trend and tables follow ingestion without a reload", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  await expect(metric(page, "Pageviews")).toHaveText("4");
  await expect(metric(page, "Visitors")).toHaveText("3");
  await waitForLiveStream(page);

  const started = Date.now();
  await sendPageviews(ws.writeKey, ["live-1", "live-2"]);
  await expect(metric(page, "Pageviews")).toHaveText("6");
  console.log(`overview metrics live update: ${Date.now() - started} ms from ingest request to the new number`);
  await expect(metric(page, "Visitors")).toHaveText("5");
  await expect(pageviewsOf(page, "Top pages", "/live")).toHaveText("2");

  // A second burst: the page keeps following.
  await sendPageviews(ws.writeKey, ["live-3"]);
  await expect(metric(page, "Pageviews")).toHaveText("7");
});

test("a report's widgets follow ingestion without a reload", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Live report",
      widgets: {
        create: [
          {
            title: "Pageview count",
            query: { kind: "metric", event: "pageview" },
            viz: { type: "metric" },
            gridX: 0,
            gridY: 0,
            gridW: 3,
            gridH: 2,
          },
          {
            title: "By path",
            query: { kind: "breakdown", event: "pageview", dimension: "path" },
            viz: { type: "table" },
            gridX: 3,
            gridY: 0,
            gridW: 9,
            gridH: 4,
          },
        ],
      },
    },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await expect(metric(page, "Pageview count")).toHaveText("4");
  await waitForLiveStream(page);

  const started = Date.now();
  await sendPageviews(ws.writeKey, ["live-1", "live-2", "live-3"]);
  await expect(metric(page, "Pageview count")).toHaveText("7");
  console.log(`report widget live update: ${Date.now() - started} ms from ingest request to the new number`);
  await expect(pageviewsOf(page, "By path", "/live")).toHaveText("3");
});
