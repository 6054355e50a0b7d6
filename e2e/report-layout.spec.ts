// A report's layout in Chromium: widgets moved and resized with the mouse, with a finger and with
// the keyboard alone, each saved on the server and shown again after a reload; new widgets placed
// across the full width; the widget toolbar beside, never over, the title and the CSV button at
// every width; on a phone-sized screen one column of cards that neither overlap nor cut off their
// numbers; and the report's embed drawn on the same grid (one column in a narrow frame).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { createEmbed } from "../lib/embed/issue";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import type { Grid } from "../lib/reports/schemas";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { keyboardSensorListening } from "../testing/dnd-kit";

type Workspace = Awaited<ReturnType<typeof seedAnalystWorkspace>>;
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const count = (event: string) => ({ query: { kind: "metric", event }, viz: { type: "metric" } });
const trend = { query: { kind: "trend", event: "pageview", interval: "day" }, viz: { type: "line" } };

async function seedReport(ws: Workspace, widgets: { title: string; grid: Grid; query: object; viz: object }[]) {
  const report = await getPrisma().report.create({
    data: { organizationId: ws.organizationId, projectId: ws.projectId, name: "Layout" },
  });
  for (const { title, grid, query, viz } of widgets) {
    await getPrisma().widget.create({
      data: {
        organizationId: ws.organizationId,
        reportId: report.id,
        title,
        query,
        viz,
        gridX: grid.x,
        gridY: grid.y,
        gridW: grid.w,
        gridH: grid.h,
      },
    });
  }
  return report.id;
}

async function openReport(page: Page, ws: Workspace, reportId: string) {
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${reportId}`);
  await expect(page.getByTestId("widget").first()).toBeVisible();
  await untilSettled(page);
}

/**
 * Waits until nothing still to come moves what is drawn: every widget's data, and the live line's
 * first numbers. Gestures aim where things are when they are measured: a finger put down where a
 * handle had been, on a page that moved since, pans it (and a sideways swipe goes back in history).
 */
async function untilSettled(page: Page) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(page.locator('[data-live="open"]')).toBeVisible();
}

/** The centre of a control, checked to be what the page has there. */
async function pointOn(control: Locator) {
  const at = center(await box(control));
  expect(await control.evaluate((e, p) => e.contains(document.elementFromPoint(p.x, p.y)), at)).toBe(true);
  return at;
}

/** The saved grids by widget title. */
async function savedGrids(reportId: string): Promise<Record<string, Grid>> {
  const widgets = await getPrisma().widget.findMany({ where: { reportId } });
  return Object.fromEntries(widgets.map((w) => [w.title, { x: w.gridX, y: w.gridY, w: w.gridW, h: w.gridH }]));
}

/** The grids the page draws, by widget title, in the page's order. */
function shownGrids(page: Page): Promise<Record<string, Grid>> {
  return page.getByTestId("widget").evaluateAll((elements) =>
    Object.fromEntries(
      elements.map((e) => {
        const [x, w] = (e as HTMLElement).style.getPropertyValue("--col").match(/\d+/g)!.map(Number);
        const [y, h] = (e as HTMLElement).style.getPropertyValue("--row").match(/\d+/g)!.map(Number);
        return [e.getAttribute("data-widget-title"), { x: x! - 1, y: y! - 1, w: w!, h: h! }];
      }),
    ),
  );
}

const shownOrder = (page: Page) =>
  page.getByTestId("widget").evaluateAll((elements) => elements.map((e) => e.getAttribute("data-widget-title")));

/** After a reload the page draws what the server saved. */
async function expectPersisted(page: Page, reportId: string, expected: Partial<Record<string, Partial<Grid>>>) {
  await expect.poll(() => savedGrids(reportId)).toMatchObject(expected);
  const saved = await savedGrids(reportId);
  await page.reload();
  await expect(page.getByTestId("widget")).toHaveCount(Object.keys(saved).length);
  await untilSettled(page);
  expect(await shownGrids(page)).toEqual(saved);
  expectNoOverlap(Object.values(saved).map((g) => ({ x: g.x, y: g.y, width: g.w, height: g.h })));
}

function center(box: Box) {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function expectNoOverlap(boxes: Box[]) {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const overlap =
        a.x < b.x + b.width - 0.5 &&
        b.x < a.x + a.width - 0.5 &&
        a.y < b.y + b.height - 0.5 &&
        b.y < a.y + a.height - 0.5;
      expect(overlap, `boxes ${JSON.stringify(a)} and ${JSON.stringify(b)} overlap`).toBe(false);
    }
  }
}

function expectInside(inner: Box, outer: Box, what: string) {
  const inside =
    inner.x >= outer.x - 0.5 &&
    inner.y >= outer.y - 0.5 &&
    inner.x + inner.width <= outer.x + outer.width + 0.5 &&
    inner.y + inner.height <= outer.y + outer.height + 0.5;
  expect(inside, `${what}: ${JSON.stringify(inner)} is not inside ${JSON.stringify(outer)}`).toBe(true);
}

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}

/** One grid step in pixels: a column (with its gap) and a row (with its gap). */
async function gridStep(page: Page) {
  const grid = await box(page.getByTestId("report-grid"));
  return { col: (grid.width + 16) / 12, row: 90 + 16 };
}

const widget = (page: Page, title: string) => page.locator(`[data-testid="widget"][data-widget-title="${title}"]`);
const liveRegion = (page: Page) => page.locator('[id^="DndLiveRegion"]');

const threeInARow = [
  { title: "A", grid: { x: 0, y: 0, w: 4, h: 3 }, ...count("pageview") },
  { title: "B", grid: { x: 4, y: 0, w: 4, h: 3 }, ...count("signup") },
  { title: "C", grid: { x: 8, y: 0, w: 4, h: 3 }, ...trend },
];

test("the mouse moves a widget by its handle and resizes it by its corner, and both are saved", async ({ page }) => {
  // Room below the widgets: a drag near the window's edge scrolls the page (dnd-kit's auto-scroll),
  // which would add rows to the resize.
  await page.setViewportSize({ width: 1280, height: 1100 });
  const ws = await seedAnalystWorkspace();
  const reportId = await seedReport(ws, threeInARow);
  await openReport(page, ws, reportId);

  const handle = await pointOn(page.getByRole("button", { name: "Move C" }));
  const target = center(await box(widget(page, "A")));
  await page.mouse.move(handle.x, handle.y);
  await page.mouse.down();
  await page.mouse.move(target.x, target.y, { steps: 15 });
  await page.mouse.up();
  await expect.poll(() => shownOrder(page)).toEqual(["C", "A", "B"]);
  await expectPersisted(page, reportId, { C: { x: 0, y: 0 }, A: { x: 4, y: 0 }, B: { x: 8, y: 0 } });

  const step = await gridStep(page);
  const corner = await pointOn(page.getByRole("button", { name: "Resize A" }));
  await page.mouse.move(corner.x, corner.y);
  await page.mouse.down();
  await page.mouse.move(corner.x + 2 * step.col, corner.y + step.row, { steps: 15 });
  await page.mouse.up();
  await expectPersisted(page, reportId, { A: { x: 4, y: 0, w: 6, h: 4 }, C: { x: 0, y: 0, w: 4, h: 3 } });
});

test.describe("on a touch screen", () => {
  test.use({ hasTouch: true, viewport: { width: 1024, height: 900 } });

  /** A finger on `from`, sliding to `to` and lifted: real touch input (touch events and pointer events of type touch). */
  async function swipe(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: from.x, y: from.y }] });
    for (let i = 1; i <= 15; i++) {
      await cdp.send("Input.dispatchTouchEvent", {
        type: "touchMove",
        touchPoints: [{ x: from.x + ((to.x - from.x) * i) / 15, y: from.y + ((to.y - from.y) * i) / 15 }],
      });
    }
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await cdp.detach();
  }

  test("a finger moves and resizes widgets, and both are saved", async ({ page }) => {
    const ws = await seedAnalystWorkspace();
    const reportId = await seedReport(ws, threeInARow);
    await openReport(page, ws, reportId);

    await swipe(
      page,
      await pointOn(page.getByRole("button", { name: "Move A" })),
      center(await box(widget(page, "C"))),
    );
    await expect.poll(() => shownOrder(page)).toEqual(["B", "C", "A"]);
    await expectPersisted(page, reportId, { B: { x: 0, y: 0 }, C: { x: 4, y: 0 }, A: { x: 8, y: 0 } });

    const step = await gridStep(page);
    const corner = await pointOn(page.getByRole("button", { name: "Resize B" }));
    await swipe(page, corner, { x: corner.x + 4 * step.col, y: corner.y + 2 * step.row });
    await expectPersisted(page, reportId, {
      B: { x: 0, y: 0, w: 8, h: 5 },
      C: { x: 8, y: 0, w: 4, h: 3 },
      A: { x: 8, y: 3, w: 4, h: 3 },
    });
  });
});

test("the keyboard alone picks up, moves, resizes, drops and cancels, announcing each step", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  const reportId = await seedReport(ws, threeInARow);
  await openReport(page, ws, reportId);
  const announced = liveRegion(page);

  // Move C one place to the left: Space picks it up, an arrow moves it, Space drops it.
  await page.getByRole("button", { name: "Move C" }).focus();
  await page.keyboard.press("Space");
  await expect(announced).toContainText("Picked up C, position 3 of 3");
  await keyboardSensorListening(page);
  await page.keyboard.press("ArrowLeft");
  await expect(announced).toContainText("C would go to position 2 of 3");
  await page.keyboard.press("Space");
  await expect(announced).toContainText("C dropped at position 2 of 3");
  await expect.poll(() => shownOrder(page)).toEqual(["A", "C", "B"]);
  await expectPersisted(page, reportId, { A: { x: 0 }, C: { x: 4, y: 0 }, B: { x: 8, y: 0 } });

  // Escape puts a picked-up widget back and saves nothing.
  await page.getByRole("button", { name: "Move A" }).focus();
  await page.keyboard.press("Enter");
  await expect(announced).toContainText("Picked up A");
  await keyboardSensorListening(page);
  await page.keyboard.press("ArrowRight");
  await expect(announced).toContainText("A would go to position 2 of 3");
  await page.keyboard.press("Escape");
  await expect(announced).toContainText("Moving A cancelled");
  await expect.poll(() => shownOrder(page)).toEqual(["A", "C", "B"]);

  // Resize A: two columns wider and a row taller, then Enter keeps the size.
  await page.getByRole("button", { name: "Resize A" }).focus();
  await page.keyboard.press("Enter");
  await expect(announced).toContainText("Resizing A: 4 of 12 columns wide, 3 rows high");
  await keyboardSensorListening(page);
  await page.keyboard.press("ArrowRight");
  await expect(announced).toContainText("5 of 12 columns wide");
  await page.keyboard.press("ArrowRight");
  await expect(announced).toContainText("6 of 12 columns wide");
  await page.keyboard.press("ArrowDown");
  await expect(announced).toContainText("6 of 12 columns wide, 4 rows high");
  await page.keyboard.press("Enter");
  await expect(announced).toContainText("A is now 6 of 12 columns wide, 4 rows high");
  await expectPersisted(page, reportId, { A: { x: 0, y: 0, w: 6, h: 4 }, C: { x: 6, y: 0, w: 4, h: 3 } });

  // Escape during a resize keeps the old size.
  await page.getByRole("button", { name: "Resize B" }).focus();
  await page.keyboard.press("Space");
  await expect(announced).toContainText("Resizing B: 4 of 12 columns wide");
  await keyboardSensorListening(page);
  await page.keyboard.press("ArrowLeft");
  await expect(announced).toContainText("3 of 12 columns wide");
  await page.keyboard.press("Escape");
  await expect(announced).toContainText("Resizing B cancelled");
  expect((await savedGrids(reportId)).B).toMatchObject({ w: 4, h: 3 });
});

test("new widgets go beside the last one across the full width", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  const reportId = await seedReport(ws, []);
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${reportId}`);
  const builder = page.getByRole("form", { name: "Widget builder" });
  for (const title of ["First chart", "Second chart"]) {
    await page.getByRole("button", { name: "Add widget" }).click();
    await builder.getByLabel("Kind").selectOption("trend");
    await builder.getByLabel("Title", { exact: true }).fill(title);
    await builder.getByRole("button", { name: "Save widget" }).click();
    await expect(builder).toBeHidden();
  }
  await expect(page.getByTestId("widget")).toHaveCount(2);
  expect(await savedGrids(reportId)).toEqual({
    "First chart": { x: 0, y: 0, w: 6, h: 4 },
    "Second chart": { x: 6, y: 0, w: 6, h: 4 },
  });
  const [first, second] = [await box(widget(page, "First chart")), await box(widget(page, "Second chart"))];
  expect(second.y).toBeCloseTo(first.y, 0);
  expect(second.x).toBeGreaterThan(first.x + first.width);
  expect(second.x + second.width).toBeGreaterThan((await box(page.getByTestId("report-grid"))).width * 0.9);
});

const toolbarReport = [
  {
    title: "Pageviews with a long title that fills the card",
    grid: { x: 0, y: 0, w: 3, h: 2 },
    ...count("pageview"),
  },
  { title: "Signups", grid: { x: 3, y: 0, w: 3, h: 2 }, ...count("signup") },
  { title: "Pageviews per day", grid: { x: 6, y: 0, w: 6, h: 4 }, ...trend },
];

for (const width of [390, 768, 1024, 1440]) {
  test(`at ${width} px the widget toolbar covers neither the title nor the CSV button, and a metric's title shows once`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height: 900 });
    const ws = await seedAnalystWorkspace();
    const reportId = await seedReport(ws, toolbarReport);
    await openReport(page, ws, reportId);
    for (const { title } of toolbarReport) {
      const card = page.getByRole("region", { name: title, exact: true });
      const heading = card.getByRole("heading", { name: title });
      const csv = card.getByRole("button", { name: `Export ${title} as CSV` });
      await expect(csv).toBeVisible();
      const controls = [
        card.getByRole("button", { name: `Move ${title}` }),
        card.getByRole("button", { name: `Edit ${title}` }),
        card.getByRole("button", { name: `Duplicate ${title}` }),
        card.getByRole("button", { name: `Delete ${title}` }),
      ];
      const toolbar = await box(card.getByRole("group", { name: `${title}: widget controls` }));
      const cardBox = await box(card);
      expectNoOverlap([toolbar, await box(heading)]);
      expectNoOverlap([toolbar, await box(csv)]);
      expectNoOverlap([await box(heading), await box(csv)]);
      expectNoOverlap(await Promise.all(controls.map(box)));
      // Every control lies inside its card and can be clicked where it is drawn: nothing is on top of it.
      for (const control of [csv, ...controls]) {
        expectInside(await box(control), cardBox, `${title}: ${await control.getAttribute("aria-label")}`);
        await control.click({ trial: true });
      }
      // Nothing to scroll sideways inside the card.
      expect(await card.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
    }
    await expect(
      page.getByRole("region", { name: "Signups", exact: true }).getByText("Signups", { exact: true }),
    ).toHaveCount(1);
    await expect(page.getByRole("region", { name: "Signups", exact: true }).getByTestId("metric-value")).toHaveText(
      "1",
    );
  });
}

test("a report's embed draws the report's grid, and one column in a narrow frame", async ({ page, baseURL }) => {
  const ws = await seedAnalystWorkspace("admin");
  const reportId = await seedReport(ws, [
    { title: "Wide", grid: { x: 0, y: 0, w: 12, h: 2 }, ...count("pageview") },
    { title: "Left", grid: { x: 0, y: 2, w: 6, h: 4 }, ...trend },
    { title: "Right", grid: { x: 6, y: 2, w: 6, h: 4 }, ...count("signup") },
  ]);
  const admin = await getPrisma().user.findUniqueOrThrow({ where: { email: ws.email } });
  const embed = await createEmbed({ userId: admin.id }, { report_id: reportId }, baseURL!);
  // A host page on another origin (a local one: Chromium keeps public pages from framing local
  // addresses), framing the embed at a given width.
  const host = createServer((request, response) => {
    const width = Number(new URL(request.url ?? "/", "http://localhost").searchParams.get("width"));
    response.writeHead(200, { "content-type": "text/html" });
    response.end(`<!doctype html><iframe src="${embed.url}" style="width:${width}px;height:1200px;border:0"></iframe>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  // An open server never keeps the worker alive, whatever the test's outcome.
  host.unref();
  const hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  const boxesIn = async (width: number) => {
    await page.goto(`${hostOrigin}/?width=${width}`);
    const frame = page.frameLocator("iframe");
    const card = (title: string) => frame.getByRole("region", { name: title, exact: true });
    await expect(card("Right").getByTestId("metric-value")).toHaveText("1");
    return { wide: await box(card("Wide")), left: await box(card("Left")), right: await box(card("Right")) };
  };

  // A wide frame: the report's grid. "Wide" spans the row; "Left" and "Right" share the next one.
  const wide = await boxesIn(1200);
  expect(wide.left.y).toBeCloseTo(wide.right.y, 0);
  expect(wide.left.height).toBeCloseTo(wide.right.height, 0);
  expect(wide.right.x).toBeGreaterThan(wide.left.x + wide.left.width);
  expect(wide.left.y).toBeGreaterThanOrEqual(wide.wide.y + wide.wide.height);
  expect(wide.wide.width).toBeGreaterThan(wide.left.width + wide.right.width);
  // Rows as tall as the report's: "Left" spans 4 rows of 90 px with 3 gaps of 16 px, "Wide" 2 rows.
  expect(wide.left.height).toBeCloseTo(4 * 90 + 3 * 16, 0);
  expect(wide.wide.height).toBeCloseTo(2 * 90 + 16, 0);
  expectNoOverlap([wide.wide, wide.left, wide.right]);

  // A phone-sized frame: one column in the saved order, each card the frame's width.
  const narrow = await boxesIn(390);
  host.close();
  const column = [narrow.wide, narrow.left, narrow.right];
  for (const [i, b] of column.entries()) {
    expect(b.width).toBeGreaterThan(390 - 2 * 16);
    if (i > 0) expect(b.y).toBeGreaterThanOrEqual(column[i - 1]!.y + column[i - 1]!.height);
  }
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  async function expectReadable(page: Page, cards: Locator) {
    const boxes = await Promise.all((await cards.all()).map(box));
    expect(boxes.length).toBeGreaterThan(0);
    expectNoOverlap(boxes);
    for (const b of boxes) expect(b.x + b.width).toBeLessThanOrEqual(390);
    for (const value of await page.getByTestId("metric-value").all()) {
      const card = value.locator("xpath=ancestor::section[1]");
      expectInside(await box(value), await box(card), `the number ${await value.textContent()}`);
      // Nothing cut off inside the number either: it wraps rather than overflowing.
      expect(await value.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
    }
    for (const table of await page.locator("section table").all()) {
      // Charts' data tables are for screen readers only (inside a visually hidden 1 px box).
      if (await table.evaluate((e) => e.closest(".sr-only") !== null)) continue;
      expectInside(await box(table), await box(table.locator("xpath=ancestor::section[1]")), "a table");
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }

  test("a report is one column in the saved order, cards grow to their content and no number is cut off", async ({
    page,
  }) => {
    const ws = await seedAnalystWorkspace();
    // A large sum: a long number in a narrow card.
    await writeEvents(
      getPool(),
      ws.organizationId,
      ws.projectId,
      Array.from({ length: 13 }, () =>
        eventRow({
          name: "purchase",
          timestamp: new Date(Date.now() - 3_600_000),
          userId: "buyer",
          properties: { amount: 987_654_321 },
        }),
      ),
    );
    const reportId = await seedReport(ws, [
      { title: "Chart", grid: { x: 0, y: 0, w: 6, h: 2 }, ...trend },
      {
        title: "Revenue",
        grid: { x: 6, y: 0, w: 3, h: 1 },
        query: { kind: "metric", event: "purchase", measure: { type: "sum", property: "properties.amount" } },
        viz: { type: "metric" },
      },
      { title: "Pageviews", grid: { x: 9, y: 0, w: 3, h: 1 }, ...count("pageview") },
      {
        title: "Countries",
        grid: { x: 0, y: 2, w: 12, h: 1 },
        query: { kind: "breakdown", dimension: "country" },
        viz: { type: "table" },
      },
    ]);
    await openReport(page, ws, reportId);
    await expect(page.getByRole("region", { name: "Revenue", exact: true }).getByTestId("metric-value")).toHaveText(
      "12,839,506,173",
    );
    await expect(page.getByRole("region", { name: "Countries", exact: true }).getByRole("table")).toBeVisible();
    await expect(
      page.getByRole("region", { name: "Chart", exact: true }).getByRole("img", { name: /^Line chart of Chart/ }),
    ).toBeVisible();
    expect(await shownOrder(page)).toEqual(["Chart", "Revenue", "Pageviews", "Countries"]);

    const cards = page.getByTestId("widget");
    const boxes = await Promise.all((await cards.all()).map(box));
    // One column: every card spans the width, each below the one before.
    for (const [i, b] of boxes.entries()) {
      expect(b.width).toBeGreaterThan(300);
      if (i > 0) expect(b.y).toBeGreaterThanOrEqual(boxes[i - 1]!.y + boxes[i - 1]!.height);
    }
    // Cards grow to their content: nothing scrolls or spills inside them.
    for (const section of await cards.locator("section").all())
      expect(
        await section.evaluate((e) => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1),
      ).toBe(true);
    await expectReadable(page, cards);
  });

  test("the overview's metric cards and tables fit the screen", async ({ page }) => {
    const ws = await seedAnalystWorkspace();
    await signIn(page, ws.email, ws.password);
    await page.goto(`/projects/${ws.projectId}`);
    await expect(page.getByRole("region", { name: "Pageviews", exact: true }).getByTestId("metric-value")).toHaveText(
      "4",
    );
    await expect(page.getByRole("region", { name: "Top pages" }).getByRole("table")).toBeVisible();
    await expect(
      page.getByRole("region", { name: "Session duration", exact: true }).getByTestId("metric-value"),
    ).not.toBeEmpty();
    await expectReadable(page, page.locator("section[aria-label]"));
  });
});
