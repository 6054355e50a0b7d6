// Alerts in Chromium: "Alert me…" on a report widget opens the alerts page with the widget's query,
// the rule is created from the form, listed with its state, muted and unmuted, and its history
// opened; an analyst sees the channels but cannot add one; a viewer reads and changes nothing; an
// owner's "Send test" says how each send went, and an in-app test shows in the list at once.
import { expect, test } from "@playwright/test";
import { createApiKey } from "../lib/auth/api-keys";
import { getPrisma } from "../lib/db/client";
import { MEASURE_LABELS, MEASURE_TYPES } from "../lib/query/vocabulary";
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

test("the rule form offers every measure of the query language, a goal's by name", async ({ page }) => {
  test.setTimeout(120_000);
  const ws = await seedAnalystWorkspace("analyst");
  const goal = await getPrisma().goal.create({
    data: {
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      name: "Signed up",
      definition: { type: "event", event: "signup", conditions: [] },
    },
  });
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/alerts`);
  await page.getByRole("button", { name: "New rule" }).click();
  const form = page.getByRole("form", { name: "New alert rule" });
  const measure = form.getByRole("combobox", { name: "Measure", exact: true });
  // The vocabulary's measures, in its order: one list for the builder, the engine and alerts.
  await expect(measure.locator("option")).toHaveText(MEASURE_TYPES.map((m) => MEASURE_LABELS[m]));

  await form.getByLabel("Name").fill("Conversions");
  await measure.selectOption({ label: "Goal conversion rate" });
  await form.getByLabel("Goal").selectOption({ label: "Signed up" });
  await form.getByLabel("Threshold").fill("0.5");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(
    page.getByRole("listitem", { name: "Conversions" }).getByText("Signed up: conversion rate · above 0.5"),
  ).toBeVisible();

  await page.getByRole("button", { name: "New rule" }).click();
  await form.getByLabel("Name").fill("Buyers");
  await measure.selectOption({ label: "Conversion rate" });
  await form.getByLabel("Converted: visitors who did").fill("signup");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(page.getByRole("listitem", { name: "Buyers" })).toBeVisible();

  const saved = await getPrisma().alertRule.findMany({ where: { projectId: ws.projectId }, orderBy: { name: "asc" } });
  const queries = saved.map((rule) => (rule.definition as { query: { measure: unknown; filters: unknown } }).query);
  expect(queries.map((q) => [q.measure, q.filters])).toEqual([
    [{ type: "conversion_rate" }, [{ field: "performed", op: "equals", value: "signup" }]],
    [{ type: "goal_conversion_rate", goal: goal.id }, []],
  ]);
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

test("a viewer reads the rules, their history and the channels, and is offered no change", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  const { key } = await createApiKey({ organizationId: ws.organizationId, kind: "admin", name: "alerts" });
  const post = async (path: string, data: Record<string, unknown>) => {
    const response = await page.request.post(path, {
      headers: { authorization: `Bearer ${key}` },
      data: { project_id: ws.projectId, ...data },
    });
    expect(response.status()).toBe(201);
  };
  await post("/api/v1/alerts/channels", { name: "Ops inbox", kind: "in_app" });
  await post("/api/v1/alerts", {
    name: "Signups drop",
    query: { kind: "metric", event: "signup" },
    window: { minutes: 60 },
    condition: { type: "threshold", op: "below", value: 1 },
  });
  await signIn(page, ws.email, ws.password);
  // Even the link "Alert me…" makes (a prefilled form) opens no form for a viewer.
  await page.goto(
    `/projects/${ws.projectId}/alerts?new=1&name=Signups&query=${encodeURIComponent('{"kind":"metric"}')}`,
  );

  const item = page.getByRole("listitem", { name: "Signups drop" });
  await expect(item.getByText("signup · Events · below 1, last 60 min")).toBeVisible();
  await item.getByRole("button", { name: "History" }).click();
  await expect(item.getByRole("region", { name: "Rule history" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Channels" })).toContainText("Ops inbox");

  await expect(page.getByRole("form", { name: "New alert rule" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New rule" })).toHaveCount(0);
  for (const name of ["Edit", "Mute 1 h", "Disable", "Delete", "Send test", "Remove"])
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "New channel" })).toHaveCount(0);
});

test("an owner sends a test to each channel: an in-app one shows in the list, a failing one says why", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace("owner");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/alerts`);
  const form = page.getByRole("form", { name: "New channel" });
  await form.getByLabel("Kind").selectOption("in_app");
  await form.getByLabel("Channel name").fill("Team inbox");
  await form.getByRole("button", { name: "Add channel" }).click();
  const channels = page.getByRole("region", { name: "Channels" });
  const inbox = channels.getByRole("listitem").filter({ hasText: "Team inbox" });
  await expect(inbox).toBeVisible();

  const notifications = page.getByRole("region", { name: "Notifications" });
  await expect(notifications.getByRole("listitem")).toHaveCount(0);
  const requests: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/test")) requests.push("test");
    else if (request.method() === "GET" && request.url().includes("/api/v1/alerts/notifications"))
      requests.push("list");
  });
  await inbox.getByRole("button", { name: "Send test" }).click();
  await expect(inbox.getByRole("status")).toHaveText("Test sent");
  await expect(notifications.getByRole("listitem")).toHaveCount(1);
  // The page asks for the list again on the test's answer rather than at its next refresh (every
  // 15 s). Checked by order, not by time: a busy machine may take seconds either way.
  expect(requests).toContain("test");
  expect(requests.slice(requests.indexOf("test"))).toContain("list");
  await expect(notifications.getByRole("listitem")).toContainText("Test of Team inbox: 42");

  // This app has no SMTP server configured: the test fails, and says so.
  await form.getByLabel("Kind").selectOption("email");
  await form.getByLabel("Channel name").fill("Ops mail");
  await form.getByLabel("Recipients").fill("ops@example.com");
  await form.getByRole("button", { name: "Add channel" }).click();
  const mail = channels.getByRole("listitem").filter({ hasText: "Ops mail" });
  await mail.getByRole("button", { name: "Send test" }).click();
  await expect(mail.getByRole("status")).toContainText("Test failed: Email is not configured");
});
