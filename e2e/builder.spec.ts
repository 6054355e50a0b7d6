// The widget builder (issue 14, item 9): it opens in view with its first field focused, speaks in
// words rather than the API's names, suggests the project's event names, properties and values in
// comboboxes driven by the keyboard, says what is wrong beside the field at fault, and builds funnels
// with step names, step conditions and a breakdown.
import { expect, type Page, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

test.use({ locale: "en-US" });

type Workspace = Awaited<ReturnType<typeof seedAnalystWorkspace>>;

async function openReport(page: Page, ws: Workspace, widgets: { title: string; gridY: number }[] = []) {
  const report = await getPrisma().report.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Builder",
      widgets: {
        create: widgets.map((w) => ({
          title: w.title,
          query: { kind: "metric", event: "pageview" },
          viz: { type: "metric" },
          gridX: 0,
          gridY: w.gridY,
          gridW: 12,
          gridH: 3,
        })),
      },
    },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  return report.id;
}

/** Purchases with a numeric amount and a plan, so property suggestions have something to offer. */
async function seedPurchases(ws: Workspace) {
  const at = new Date(Date.now() - 86_400_000);
  await writeEvents(getPool(), ws.organizationId, ws.projectId, [
    eventRow({ name: "purchase", timestamp: at, userId: "u1", properties: { amount: 42, plan: "pro" }, country: "FR" }),
    eventRow({
      name: "purchase",
      timestamp: at,
      userId: "u2",
      properties: { amount: 58, plan: "team" },
      country: "DE",
    }),
  ]);
}

async function savedQuery(reportId: string, title: string) {
  const widget = await getPrisma().widget.findFirstOrThrow({ where: { reportId, title } });
  return widget.query as Record<string, unknown>;
}

async function expectBuilderOpensInView(page: Page) {
  const ws = await seedAnalystWorkspace();
  await openReport(
    page,
    ws,
    Array.from({ length: 8 }, (_, i) => ({ title: `Widget ${i + 1}`, gridY: i * 3 })),
  );
  const edit = page.getByRole("button", { name: "Edit Widget 8" });
  await edit.scrollIntoViewIfNeeded();
  await edit.click();
  const builder = page.getByRole("form", { name: "Widget builder" });
  await expect(builder.getByRole("heading", { name: "Edit “Widget 8”" })).toBeInViewport();
  await expect(builder.getByLabel("Title", { exact: true })).toBeFocused();
  await expect(builder.getByLabel("Title", { exact: true })).toHaveValue("Widget 8");
  await builder.getByRole("button", { name: "Cancel" }).click();
  await expect(builder).toBeHidden();
  await expect(edit).toBeFocused();
  await expect(edit).toBeInViewport();
}

test("editing a widget lower down brings the builder into view, focused, and gives focus back on close", async ({
  page,
}) => {
  await expectBuilderOpensInView(page);
});

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("editing a widget lower down brings the builder into view, focused, and gives focus back on close", async ({
    page,
  }) => {
    await expectBuilderOpensInView(page);
  });
});

test("choices read as words, and the project's events, properties and values are suggested by keyboard", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace();
  await seedPurchases(ws);
  const reportId = await openReport(page, ws);
  await page.getByRole("button", { name: "Add widget" }).click();
  const builder = page.getByRole("form", { name: "Widget builder" });

  // Words, not the API's names.
  await expect(builder.getByLabel("Kind").locator("option")).toHaveText([
    "Trend over time",
    "Single number",
    "Top values",
    "Funnel",
    "Retention",
    "Web vitals",
    "JavaScript errors",
    "Paths",
  ]);
  const measures = await builder.getByLabel("Measure").locator("option").allTextContents();
  expect(measures).toContain("Visitors");
  expect(measures).toContain("Session duration (average)");
  expect(measures).toEqual(expect.arrayContaining(["Pages per session", "Time on page (average)"]));
  expect(measures.join(" ")).not.toMatch(/_/);
  await builder.getByLabel("Kind").selectOption("breakdown");
  const dimensions = await builder.getByLabel("Break down by").locator("option").allTextContents();
  expect(dimensions).toEqual(
    expect.arrayContaining(["UTM source", "OS", "Country", "Page", "Entry page", "Exit page"]),
  );
  expect(dimensions.join(" ")).not.toMatch(/_|Utm|\bOs\b/);

  // Event names: type, arrow down, Enter.
  const event = builder.getByRole("combobox", { name: "Event", exact: true });
  await event.focus();
  await page.keyboard.type("pur");
  const eventList = builder.getByRole("listbox", { name: "Event: suggestions" });
  await expect(eventList.getByRole("option")).toHaveText([/^purchase/]);
  await page.keyboard.press("ArrowDown");
  await expect(event).toHaveAttribute("aria-activedescendant", /.+/);
  await expect(eventList.getByRole("option", { selected: true })).toContainText("purchase");
  await page.keyboard.press("Enter");
  await expect(event).toHaveValue("purchase");
  await expect(eventList).toBeHidden();
  await expect(builder).toBeVisible(); // Enter took the suggestion; it did not submit the form

  // A numeric property for "Sum of a property": only numeric keys are offered.
  await builder.getByLabel("Measure").selectOption("sum");
  const property = builder.getByRole("combobox", { name: "Numeric property" });
  await property.focus();
  await page.keyboard.press("ArrowDown");
  const propertyList = builder.getByRole("listbox", { name: "Numeric property: suggestions" });
  await expect(propertyList.getByRole("option")).toHaveText([/^amount/]);
  await page.keyboard.press("Enter");
  await expect(property).toHaveValue("amount");
  await builder.getByLabel("Break down by").selectOption("country");

  // A filter value: countries are offered by name, the filter keeps the code.
  const filters = builder.getByRole("group", { name: "Filters" });
  await filters.getByLabel("Field").selectOption("country");
  const value = filters.getByRole("combobox", { name: "Value" });
  const valueList = filters.getByRole("listbox", { name: "Value: suggestions" });
  await value.focus();
  await page.keyboard.press("ArrowDown");
  await expect(valueList.getByRole("option").first()).toContainText(/^France \(FR\)/);
  await page.keyboard.type("fr");
  await expect(valueList.getByRole("option")).toHaveText([/^France \(FR\)/]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(value).toHaveValue("FR");
  await filters.getByRole("button", { name: "Add condition" }).click();
  await expect(filters.getByRole("list", { name: "Filters" })).toHaveText(/Country is France/);

  await builder.getByLabel("Title", { exact: true }).fill("Revenue by country");
  await builder.getByRole("button", { name: "Save widget" }).click();
  await expect(builder).toBeHidden();
  expect(await savedQuery(reportId, "Revenue by country")).toMatchObject({
    kind: "breakdown",
    event: "purchase",
    measure: { type: "sum", property: "properties.amount" },
    dimension: "country",
    filters: [{ field: "country", op: "equals", value: "FR" }],
  });
  const card = page.getByRole("region", { name: "Revenue by country" });
  await expect(card).toContainText("France");
  await expect(card).toContainText("42");
  await expect(card).not.toContainText("Germany");
});

test("problems read as sentences beside their field, and Save goes to the first one", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  await openReport(page, ws);
  await page.getByRole("button", { name: "Add widget" }).click();
  const builder = page.getByRole("form", { name: "Widget builder" });
  await builder.getByLabel("Kind").selectOption("funnel");
  const step2 = builder.getByRole("combobox", { name: "Step 2 event" });
  await step2.fill("");
  await expect(step2).toHaveAttribute("aria-invalid", "true");
  await expect(step2).toHaveAccessibleDescription("Choose the event of step 2.");
  await expect(builder).not.toContainText("query.");
  await expect(builder).not.toContainText("Too small");

  await builder.getByLabel("Conversion window").fill("0");
  await builder.getByLabel("Title", { exact: true }).focus();
  await expect(builder.getByLabel("Conversion window")).toHaveAccessibleDescription(
    "The conversion window is a whole number from 1 to 10,000.",
  );
  await builder.getByRole("button", { name: "Save widget" }).click();
  await expect(step2).toBeFocused();
  await expect(builder).toBeVisible();
  await expect(page.getByTestId("widget")).toHaveCount(0);
});

test("a funnel gets step names, conditions on a step and a breakdown, and they survive editing", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  const reportId = await openReport(page, ws);
  await page.getByRole("button", { name: "Add widget" }).click();
  const builder = page.getByRole("form", { name: "Widget builder" });
  await builder.getByLabel("Kind").selectOption("funnel");
  await builder.getByRole("combobox", { name: "Step 1 event" }).fill("pageview");
  await builder.getByRole("combobox", { name: "Step 2 event" }).fill("signup");
  await builder.getByLabel("Step 2 name").fill("Signed up on pro");
  await builder.getByRole("button", { name: "Add a condition to step 2" }).click();
  const conditions = builder.getByRole("group", { name: "Step 2 conditions" });
  await conditions.getByLabel("Field").selectOption("property");
  const key = conditions.getByRole("combobox", { name: "Field: property" });
  await key.focus();
  await page.keyboard.press("ArrowDown");
  await expect(
    conditions.getByRole("listbox", { name: "Field: property: suggestions" }).getByRole("option"),
  ).toHaveText([/^plan/]);
  await page.keyboard.press("Enter");
  const value = conditions.getByRole("combobox", { name: "Value" });
  await value.focus();
  await page.keyboard.press("ArrowDown");
  await expect(
    conditions.getByRole("listbox", { name: "Value: suggestions" }).getByRole("option", { selected: true }),
  ).toContainText("pro");
  await page.keyboard.press("Enter");
  await expect(value).toHaveValue("pro");
  await conditions.getByRole("button", { name: "Add condition" }).click();
  await expect(conditions.getByRole("list")).toHaveText(/Plan is pro/);
  await builder.getByLabel("Break down by (first step's value)").selectOption("country");
  await builder.getByLabel("Conversion window").fill("2");
  await builder.getByLabel("Window unit").selectOption("hour");
  await builder.getByLabel("Title", { exact: true }).fill("Pro signups");
  await builder.getByRole("button", { name: "Save widget" }).click();
  await expect(builder).toBeHidden();

  expect(await savedQuery(reportId, "Pro signups")).toMatchObject({
    kind: "funnel",
    steps: [
      { event: "pageview" },
      {
        event: "signup",
        label: "Signed up on pro",
        filters: [{ field: "properties.plan", op: "equals", value: "pro" }],
      },
    ],
    window: { value: 2, unit: "hour" },
    breakdown: { dimension: "country", limit: 5 },
  });
  const card = page.getByRole("region", { name: "Pro signups" });
  await expect(card.getByRole("list", { name: "Pro signups" })).toContainText("2. Signed up on pro");
  const byCountry = card.getByRole("table", { name: "Funnel by Country" });
  await expect(byCountry.getByRole("columnheader").first()).toHaveText("Country");
  await expect(byCountry).toContainText("France");

  // Editing keeps all of it.
  await page.getByRole("button", { name: "Edit Pro signups" }).click();
  await expect(builder.getByLabel("Step 2 name")).toHaveValue("Signed up on pro");
  await expect(builder.getByRole("group", { name: "Step 2 conditions" })).toContainText("Plan is pro");
  await expect(builder.getByLabel("Break down by (first step's value)")).toHaveValue("country");
  await expect(builder.getByLabel("Window unit")).toHaveValue("hour");
});

test("a conversion rate asks for the visitors who did an event, offered by name, and shows their share", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace();
  const reportId = await openReport(page, ws);
  await page.getByRole("button", { name: "Add widget" }).click();
  const builder = page.getByRole("form", { name: "Widget builder" });
  await builder.getByLabel("Kind").selectOption("metric");
  await builder.getByLabel("Measure").selectOption("conversion_rate");
  await builder.getByLabel("Title", { exact: true }).fill("Signed up");
  await builder.getByRole("button", { name: "Save widget" }).click();
  const filters = builder.getByRole("group", { name: "Filters" });
  await expect(filters).toContainText("A conversion rate needs a “Visitors who did” filter to convert to");

  await filters.getByLabel("Field").selectOption("performed");
  await expect(filters.getByLabel("Condition").locator("option")).toHaveText([
    "did",
    "did one of",
    "did not do",
    "did none of",
  ]);
  const value = filters.getByRole("combobox", { name: "Value" });
  await value.focus();
  await page.keyboard.type("sign");
  await expect(filters.getByRole("listbox", { name: "Value: suggestions" }).getByRole("option")).toHaveText([
    /^signup/,
  ]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await filters.getByRole("button", { name: "Add condition" }).click();
  await expect(filters.getByRole("list", { name: "Filters" })).toHaveText(/Visitors who did signup/);
  await expect(filters).not.toContainText("needs a");
  await builder.getByRole("button", { name: "Save widget" }).click();
  await expect(builder).toBeHidden();
  expect(await savedQuery(reportId, "Signed up")).toMatchObject({
    kind: "metric",
    measure: { type: "conversion_rate" },
    filters: [{ field: "performed", op: "equals", value: "signup" }],
  });
  // One of the three visitors of the last 30 days signed up.
  await expect(page.getByRole("region", { name: "Signed up" }).getByTestId("metric-value")).toHaveText("33%");
});
