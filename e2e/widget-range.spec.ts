// A widget saved with a range of its own (the weekly retention template keeps 90 days: eight weekly
// cohorts need them) says so on its card, so the page's range picker never silently disagrees.
import { expect, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { createReportFromTemplate } from "../lib/reports/templates";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

test("a widget with its own range shows it next to its title, and one without shows none", async ({ page }) => {
  const ws = await seedAnalystWorkspace("analyst");
  const user = await getPrisma().user.findUniqueOrThrow({ where: { email: ws.email } });
  const retention = await createReportFromTemplate(user.id, ws.projectId, "weekly_retention");
  const traffic = await createReportFromTemplate(user.id, ws.projectId, "traffic");
  await signIn(page, ws.email, ws.password);

  await page.goto(`/projects/${ws.projectId}/reports/${retention.id}`);
  await expect(page.getByLabel("Date range")).toHaveValue("last_30_days");
  const card = page.getByRole("region", { name: "Returning visitors by first week" });
  await expect(card.getByTestId("widget-own-range")).toHaveText("Last 90 days");

  await page.goto(`/projects/${ws.projectId}/reports/${traffic.id}`);
  await expect(page.getByRole("region").first()).toBeVisible();
  await expect(page.getByTestId("widget-own-range")).toHaveCount(0);
});
