// Settings → Audit log in Chromium: an admin reads who did what, filters by action and by person
// (the filters live in the URL), and pages through older entries; a viewer has no such page.
import { expect, test } from "@playwright/test";
import { userActor } from "../lib/audit/record";
import { createApiKey, revokeApiKey } from "../lib/auth/api-keys";
import { getPrisma } from "../lib/db/client";
import { updateProject } from "../lib/workspace/settings";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { createMember } from "../testing/fixtures";

test("an admin reads the log, filters it by action and person, and pages to older entries", async ({ page }) => {
  const ws = await seedAnalystWorkspace("admin");
  const admin = await getPrisma().user.findUniqueOrThrow({ where: { email: ws.email } });
  const owner = await createMember(ws.organizationId, "owner", "e2e-password-123");
  // The tenant's set-up made 3 entries (the organization, the project, its write key); 28 more by the
  // owner, then one by the admin.
  for (let i = 0; i < 14; i++) {
    const key = await createApiKey({
      organizationId: ws.organizationId,
      projectId: ws.projectId,
      kind: "read",
      name: `reporting ${i}`,
      actor: userActor(owner.id),
    });
    await revokeApiKey(ws.organizationId, key.id, userActor(owner.id));
  }
  await updateProject(admin.id, ws.projectId, { name: "Storefront" });

  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(25);
  await expect(rows.first()).toContainText("Project settings changed");
  await expect(rows.first()).toContainText("name: Site → Storefront");
  await expect(rows.first()).toContainText(ws.email);

  await page.getByRole("button", { name: "Older" }).click();
  await expect(rows).toHaveCount(7);
  await expect(rows.last()).toContainText("Organization created");
  await expect(rows.last()).toContainText("Operator (CLI)");
  await expect(page.getByRole("button", { name: "Older" })).toBeDisabled();
  await page.getByRole("button", { name: "Newer" }).click();
  await expect(rows).toHaveCount(25);

  await page.getByLabel("Action").selectOption({ label: "API key revoked" });
  await expect(page).toHaveURL(/action=api_key\.revoked/);
  await expect(rows).toHaveCount(14);
  for (const row of await rows.all()) await expect(row).toContainText("API key revoked");
  await expect(rows.first()).toContainText("reporting 13 (read, lmr_");

  await page.getByLabel("Action").selectOption({ label: "All actions" });
  await page.getByLabel("Person").selectOption({ label: ws.email });
  await expect(page).toHaveURL(new RegExp(`actor=${admin.id}`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Project settings changed");

  // The view is in the URL: a reload shows the same.
  await page.reload();
  await expect(page.getByLabel("Person")).toHaveValue(admin.id);
  await expect(rows).toHaveCount(1);
});

test("a viewer has no audit log, in the page or through the API", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  await expect(page.getByRole("region", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await page.goto(`/projects/${ws.projectId}/settings/audit-log`);
  await expect(page.getByText("The audit log is for owners and admins of this organization.")).toBeVisible();
  await expect(page.locator("table")).toHaveCount(0);
  expect((await page.request.get(`/api/v1/audit-log?project_id=${ws.projectId}`)).status()).toBe(403);
});
