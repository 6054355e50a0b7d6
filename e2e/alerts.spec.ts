// Alerts in Chromium: "Alert me…" on a report widget opens the alerts page with the widget's query,
// the rule is created from the form, listed with its state, muted and unmuted, and its history
// opened; an analyst sees the channels but cannot add one.
import { expect, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

test("an analyst creates an alert from a widget, mutes it and reads its history", async ({ page }) => {
  // Seven navigations and round trips: at load 20 this took 57 s; twice the default to spare.
  test.setTimeout(240_000);
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

test("an owner adds a webhook channel, edits it, rotates its secret, and is refused an internal URL", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace("owner");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/alerts`);
  const form = page.getByRole("form", { name: "New channel" });
  await form.getByLabel("Channel name").fill("Ops");
  await form.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data/");
  await form.getByRole("button", { name: "Add channel" }).click();
  await expect(form.getByRole("alert")).toContainText("inside Lumen's own network");

  await form.getByLabel("URL").fill("https://hooks.example.com/lumen");
  await form.getByRole("button", { name: "Add channel" }).click();
  const channels = page.getByRole("region", { name: "Channels" });
  const firstSecret = await channels.getByRole("status").locator("code").textContent();
  expect(firstSecret).toMatch(/^[0-9a-f]{64}$/);

  await channels.getByRole("button", { name: "Edit" }).click();
  const editor = channels.getByRole("form", { name: "Edit Ops" });
  await editor.getByLabel("Channel name").fill("Ops on call");
  await editor.getByLabel("URL").fill("https://hooks.example.com/on-call");
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(channels.getByText("https://hooks.example.com/on-call")).toBeVisible();
  await expect(channels.getByText("Ops on call")).toBeVisible();

  await channels.getByRole("button", { name: "Edit" }).click();
  page.once("dialog", (dialog) => dialog.accept());
  await channels.getByRole("form", { name: "Edit Ops on call" }).getByRole("button", { name: "Rotate secret" }).click();
  await expect(channels.getByRole("status").locator("code")).not.toHaveText(firstSecret ?? "");
  const saved = await getPrisma().alertChannel.findFirstOrThrow({ where: { projectId: ws.projectId } });
  expect(saved.secret).toBe(await channels.getByRole("status").locator("code").textContent());
  expect(saved.config).toEqual({ url: "https://hooks.example.com/on-call" });
});
