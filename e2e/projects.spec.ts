// Projects in the app, in Chromium: an admin creates one (name, time zone) and lands in its settings;
// the project switcher takes anyone between their projects with the keyboard alone; people below
// admin cannot create projects, in the UI or on the server.
import { expect, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

test("an admin creates a project with its time zone, then switches between projects with the keyboard", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace("admin");
  await signIn(page, ws.email, ws.password);
  await page.getByRole("link", { name: /^New project in / }).click();
  const form = page.getByRole("form", { name: "New project" });
  await form.getByLabel("Name").fill("Mobile app");
  await form.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await form.getByRole("button", { name: "Create project" }).click();

  await page.waitForURL(/\/projects\/[0-9a-f-]{36}\/settings$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mobile app");
  const created = await getPrisma().project.findFirstOrThrow({
    where: { organizationId: ws.organizationId, name: "Mobile app" },
  });
  expect(created.timezone).toBe("Asia/Tokyo");
  expect(page.url()).toContain(`/projects/${created.id}/settings`);
  await expect(page.getByRole("region", { name: "Install and verify" })).toBeVisible();

  // The switcher, by keyboard: Enter opens it on the current project, arrows move, Enter follows.
  const switcher = page.getByRole("button", { name: /^Switch project/ });
  await expect(switcher).toHaveAccessibleName("Switch project (current: Mobile app)");
  await switcher.focus();
  await page.keyboard.press("Enter");
  await expect(switcher).toHaveAttribute("aria-expanded", "true");
  const projects = page.getByRole("navigation", { name: "Projects" });
  await expect(projects.getByRole("link", { name: "Mobile app" })).toBeFocused();
  await expect(projects.getByRole("link", { name: "Mobile app" })).toHaveAttribute("aria-current", "true");
  // Escape closes it and gives the focus back to the button.
  await page.keyboard.press("Escape");
  await expect(switcher).toHaveAttribute("aria-expanded", "false");
  await expect(projects).toBeHidden();
  await expect(switcher).toBeFocused();

  await page.keyboard.press("ArrowDown");
  await expect(projects.getByRole("link", { name: "Mobile app" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(projects.getByRole("link", { name: "Site" })).toBeFocused();
  await page.keyboard.press("Enter");
  // The section is kept: from Mobile app's settings to Site's.
  await page.waitForURL(`**/projects/${ws.projectId}/settings`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Site");
  await expect(switcher).toHaveAttribute("aria-expanded", "false");
});

test("a duplicate name is refused beside the field, which says it is invalid", async ({ page }) => {
  const ws = await seedAnalystWorkspace("owner");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/new?organization=${ws.organizationId}`);
  const form = page.getByRole("form", { name: "New project" });
  const name = form.getByLabel("Name");
  await name.fill("site");
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription(/Another project of this organization has this name/);
  await expect(form.getByRole("alert")).toContainText('A project named "site" already exists');
  expect(await getPrisma().project.count({ where: { organizationId: ws.organizationId } })).toBe(1);
});

test("an analyst can switch projects but not create one, in the UI or on the server", async ({ page }) => {
  const ws = await seedAnalystWorkspace("analyst");
  await signIn(page, ws.email, ws.password);
  await expect(page.getByRole("link", { name: /^New project/ })).toHaveCount(0);
  await page.goto(`/projects/${ws.projectId}`);
  await page.getByRole("button", { name: /^Switch project/ }).click();
  const projects = page.getByRole("navigation", { name: "Projects" });
  await expect(projects.getByRole("link", { name: "Site" })).toBeVisible();
  await expect(projects.getByRole("link", { name: /New project/ })).toHaveCount(0);
  // A click elsewhere closes it.
  await page.getByRole("heading", { level: 1 }).click();
  await expect(projects).toBeHidden();

  await page.goto("/projects/new");
  await expect(page.getByRole("form", { name: "New project" })).toHaveCount(0);
  const refused = await page.request.post("/api/v1/projects", {
    data: { organization_id: ws.organizationId, name: "Mine", timezone: "UTC" },
  });
  expect(refused.status()).toBe(403);
  expect(await getPrisma().project.count({ where: { organizationId: ws.organizationId } })).toBe(1);
});
