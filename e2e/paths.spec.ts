// Paths in Chromium: an analyst builds a paths widget in the builder (steps after the home page),
// sees the flow and the table behind it on the report, and an embed of the report draws the same.
// The workspace's sessions (testing/analyst-workspace.ts): u1 goes / -> /pricing -> signup, u2 sees
// / only, u3 /docs only.
import { expect, type Locator, test } from "@playwright/test";
import { closeDatabase, getPrisma } from "../lib/db/client";
import { createEmbed } from "../lib/embed/issue";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { createMember } from "../testing/fixtures";

test.use({ locale: "en-US" });

test.afterAll(async () => {
  await closeDatabase();
});

/** The flow's drawing and the table of its numbers, as a screen reader finds them. */
async function expectFlow(widget: Locator) {
  await expect(widget.getByRole("img", { name: /^Flow of Paths from home: 2 sessions from \// })).toBeVisible();
  // Recharts draws a node per value of each step, each labelled with its sessions.
  await expect(widget.locator("svg text", { hasText: /^\/pricing 1$/ })).toHaveCount(1);
  await expect(widget.locator("svg text", { hasText: /^signup 1$/ })).toHaveCount(1);
  const table = widget.getByRole("table", { name: "Paths from home" });
  await expect(table.getByRole("row")).toHaveCount(4); // the header, /, /pricing, signup
  await expect(table.getByRole("row", { name: /^Start \/ 2 100% 1$/ })).toHaveCount(1);
  await expect(table.getByRole("row", { name: /^Step 1 \/pricing 1 100% 0$/ })).toHaveCount(1);
  await expect(table.getByRole("row", { name: /^Step 2 signup \(event\) 1 100% 1$/ })).toHaveCount(1);
}

test("an analyst builds a paths widget and sees the flow and its table; an embed of it draws the same", async ({
  page,
  baseURL,
}) => {
  const ws = await seedAnalystWorkspace();
  const report = await getPrisma().report.create({
    data: { organizationId: ws.organizationId, projectId: ws.projectId, name: "Journeys" },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await page.getByRole("button", { name: "Add widget" }).click();
  const builder = page.getByRole("form", { name: "Widget builder" });
  await builder.getByLabel("Kind").selectOption("paths");
  await expect(builder.getByLabel("Visualisation").locator("option")).toHaveText(["Flow (Sankey)", "Table"]);
  await expect(builder.getByLabel(/^Show/)).toHaveValue("start");
  await builder.getByLabel("Start is").selectOption("page");
  await builder.getByRole("combobox", { name: /^Start page/ }).fill("/");
  await builder.getByLabel("Steps (at most 10)").fill("3");
  // A value past the bound is said beside its field, and the widget is not saved.
  await builder.getByLabel("Values per step (at most 20)").fill("21");
  await builder.getByRole("button", { name: "Save widget" }).click();
  await expect(builder.getByText("Keep between 1 and 20 values per step.")).toBeVisible();
  await builder.getByLabel("Values per step (at most 20)").fill("5");
  await builder.getByLabel("Title", { exact: true }).fill("Paths from home");
  await expectFlow(builder.getByRole("region", { name: "Preview" }));
  await builder.getByRole("button", { name: "Save widget" }).click();
  await expect(builder).toBeHidden();

  const widget = await getPrisma().widget.findFirstOrThrow({ where: { reportId: report.id } });
  expect(widget.query).toMatchObject({ kind: "paths", start: { page: "/" }, steps: 3, limit: 5 });
  expect(widget.viz).toMatchObject({ type: "sankey" });
  await expectFlow(page.getByRole("region", { name: "Paths from home" }));

  const admin = await createMember(ws.organizationId, "admin");
  const embed = await createEmbed({ userId: admin.id }, { report_id: report.id, params: {} }, baseURL!);
  await page.goto(embed.url);
  await expectFlow(page.getByRole("region", { name: "Paths from home" }));
});
