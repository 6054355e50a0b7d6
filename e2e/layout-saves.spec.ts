// Layout saves in Chromium: two drops made in quick succession reach the server one after the
// other, in the order made, so the last arrangement is the one kept; and a save still in flight
// when the analyst leaves the page is completed (the request outlives the page).
import { expect, type Page, type Route, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import type { Grid } from "../lib/reports/schemas";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { keyboardSensorListening } from "../testing/dnd-kit";

type Workspace = Awaited<ReturnType<typeof seedAnalystWorkspace>>;

const widgets = [
  { title: "A", grid: { x: 0, y: 0, w: 4, h: 3 }, event: "pageview" },
  { title: "B", grid: { x: 4, y: 0, w: 4, h: 3 }, event: "signup" },
  { title: "C", grid: { x: 8, y: 0, w: 4, h: 3 }, event: "purchase" },
];

async function seedReport(ws: Workspace) {
  const report = await getPrisma().report.create({
    data: { organizationId: ws.organizationId, projectId: ws.projectId, name: "Layout saves" },
  });
  for (const { title, grid, event } of widgets) {
    await getPrisma().widget.create({
      data: {
        organizationId: ws.organizationId,
        reportId: report.id,
        title,
        query: { kind: "metric", event },
        viz: { type: "metric" },
        gridX: grid.x,
        gridY: grid.y,
        gridW: grid.w,
        gridH: grid.h,
      },
    });
  }
  return report.id;
}

/** The saved grids by widget title. */
async function savedGrids(reportId: string): Promise<Record<string, Grid>> {
  const rows = await getPrisma().widget.findMany({ where: { reportId } });
  return Object.fromEntries(rows.map((w) => [w.title, { x: w.gridX, y: w.gridY, w: w.gridW, h: w.gridH }]));
}

const shownOrder = (page: Page) =>
  page.getByTestId("widget").evaluateAll((elements) => elements.map((e) => e.getAttribute("data-widget-title")));

/** Moves a widget one place to the left with the keyboard alone and drops it there. */
async function moveLeft(page: Page, title: string) {
  await page.getByRole("button", { name: `Move ${title}` }).focus();
  await page.keyboard.press("Space");
  await expect(page.locator('[id^="DndLiveRegion"]')).toContainText(`Picked up ${title}`);
  await keyboardSensorListening(page);
  await page.keyboard.press("ArrowLeft");
  await expect(page.locator('[id^="DndLiveRegion"]')).toContainText(`${title} would go to position`);
  await page.keyboard.press("Space");
  await expect(page.locator('[id^="DndLiveRegion"]')).toContainText(`${title} dropped at position`);
}

/** Where a layout request puts widget C ("C at 4"), to tell the saves apart. */
function describeSave(body: { widgets: { id: string; grid: Grid }[] }, idOfC: string) {
  return `C at ${body.widgets.find((w) => w.id === idOfC)?.grid.x}`;
}

async function openReport(page: Page) {
  const ws = await seedAnalystWorkspace();
  const reportId = await seedReport(ws);
  const idOfC = (await getPrisma().widget.findFirstOrThrow({ where: { reportId, title: "C" } })).id;
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${reportId}`);
  await expect(page.getByTestId("widget")).toHaveCount(3);
  return { ws, reportId, idOfC, layoutUrl: `**/api/v1/reports/${reportId}/layout` };
}

test("two quick layout saves reach the server one after the other, and the last arrangement is kept", async ({
  page,
}) => {
  const { reportId, idOfC, layoutUrl } = await openReport(page);
  // The test stores each save itself (route.fetch) before answering the page: a save the page sends
  // while an earlier one is still unanswered is logged between that one's "sent" and "saved".
  const events: string[] = [];
  let firstArrived: () => void = () => {};
  const firstHeld = new Promise<void>((resolve) => {
    firstArrived = resolve;
  });
  let releaseFirst: () => void = () => {};
  const firstReleased = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  let requests = 0;
  await page.route(layoutUrl, async (route) => {
    const save = describeSave(route.request().postDataJSON(), idOfC);
    events.push(`sent ${save}`);
    requests += 1;
    if (requests === 1) {
      firstArrived();
      await firstReleased;
    }
    const response = await route.fetch();
    events.push(`saved ${save}`);
    await route.fulfill({ response });
  });

  await moveLeft(page, "C");
  await firstHeld;
  // The second drop is made while the first save is still on its way: the page shows it at once.
  await moveLeft(page, "C");
  await expect.poll(() => shownOrder(page)).toEqual(["C", "A", "B"]);
  releaseFirst();

  await expect.poll(() => events).toHaveLength(4);
  expect(events).toEqual(["sent C at 4", "saved C at 4", "sent C at 0", "saved C at 0"]);
  await expect.poll(() => savedGrids(reportId)).toMatchObject({ C: { x: 0 }, A: { x: 4 }, B: { x: 8 } });
  // Reading the server's copy back between the saves did not bring the first arrangement back.
  expect(await shownOrder(page)).toEqual(["C", "A", "B"]);
  await page.reload();
  await expect.poll(() => shownOrder(page)).toEqual(["C", "A", "B"]);
});

test("a layout save in flight when the analyst leaves the page is still saved", async ({ page }) => {
  const { ws, reportId, layoutUrl } = await openReport(page);
  let holdSave: (route: Route) => void = () => {};
  const saveHeld = new Promise<Route>((resolve) => {
    holdSave = resolve;
  });
  await page.route(layoutUrl, (route) => holdSave(route));

  await moveLeft(page, "C");
  const save = await saveHeld;
  // A full page load elsewhere ends the report page (and every ordinary request it started).
  await page.goto(`/projects/${ws.projectId}/settings`);
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await save.continue();

  await expect.poll(() => savedGrids(reportId)).toMatchObject({ A: { x: 0 }, C: { x: 4 }, B: { x: 8 } });
});
