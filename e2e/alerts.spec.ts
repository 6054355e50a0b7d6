// Alerts in Chromium: "Alert me…" on a report widget opens the alerts page with the widget's query,
// the rule is created from the form, listed with its state, muted and unmuted, and its history
// opened; an analyst sees the channels but cannot add one.
import { expect, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

test("an analyst creates an alert from a widget, mutes it and reads its history", async ({ page }) => {
  // Seven navigations and round trips: at load 20 this took 57 s of the 60 s a browser test gets by default.
  test.setTimeout(120_000);
  const ws = await seedAnalystWorkspace("analyst");
  const report = await getPrisma().report.create({
    data: { organizationId: ws.organizationId, projectId: ws.projectId, name: "Growth" },
  });
  await getPrisma().widget.create({
    data: {
      organizationId: ws.organizationId,
      reportId: report.id,
      title: "Signups",
      query: { kind: "metric", event: "signup", filters: [{ field: "country", op: "equals", value: "FR" }] },
      viz: { type: "metric" },
    },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await page.getByRole("link", { name: "Alert me when Signups…" }).click();

  const form = page.getByRole("form", { name: "New alert rule" });
  await expect(form.getByLabel("Name")).toHaveValue("Signups");
  await expect(form.getByLabel("Event")).toHaveValue("signup");
  await expect(form.getByText("1 filter from the widget")).toBeVisible();
  await form.getByLabel("Threshold").fill("5");
  await form.getByRole("button", { name: "Create rule" }).click();

  const item = page.getByRole("listitem", { name: "Signups" });
  await expect(item.getByText("ok", { exact: true })).toBeVisible();
  await expect(item.getByText("signup · Events · above 5, last 60 min")).toBeVisible();
  const saved = await getPrisma().alertRule.findFirstOrThrow({ where: { projectId: ws.projectId } });
  expect(saved.definition).toMatchObject({
    query: { kind: "metric", event: "signup", filters: [{ field: "country", op: "equals", value: "FR" }] },
    condition: { type: "threshold", op: "above", value: 5 },
  });

  await item.getByRole("button", { name: "Mute 1 h" }).click();
  await expect(item.getByText(/muted until/)).toBeVisible();
  await item.getByRole("button", { name: "Unmute" }).click();
  await expect(item.getByText(/muted until/)).toHaveCount(0);

  await item.getByRole("button", { name: "History" }).click();
  await expect(item.getByRole("region", { name: "Rule history" })).toBeVisible();

  const channels = page.getByRole("region", { name: "Channels" });
  await expect(channels).toBeVisible();
  await expect(page.getByRole("form", { name: "New channel" })).toHaveCount(0);
});
