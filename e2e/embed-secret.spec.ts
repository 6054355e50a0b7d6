// The embed signing secret in the settings page, in Chromium: owners and admins reveal it only when
// they ask, rotate it (the old one keeps working for the chosen grace period) and retire the old one
// early; viewers get no trace of it.
import { expect, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

const secretOf = async (projectId: string) =>
  getPrisma().project.findUniqueOrThrow({
    where: { id: projectId },
    select: { embedSecret: true, embedSecretPrevious: true, embedSecretPreviousExpiresAt: true },
  });

test("an admin reveals the secret on request, rotates it with a grace period and retires the old one", async ({
  page,
}) => {
  const ws = await seedAnalystWorkspace("admin");
  const original = (await secretOf(ws.projectId)).embedSecret;
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  const section = page.getByRole("region", { name: "Embed signing secret" });
  await expect(section.getByRole("button", { name: "Reveal secret" })).toBeVisible();
  expect(await page.content()).not.toContain(original);

  await section.getByRole("button", { name: "Reveal secret" }).click();
  await expect(section.getByTestId("embed-secret")).toHaveText(original);
  await section.getByRole("button", { name: "Hide" }).click();
  await expect(section.getByTestId("embed-secret")).toHaveCount(0);

  page.on("dialog", (dialog) => void dialog.accept());
  await section.getByLabel("Grace period").selectOption({ label: "Old secret keeps working for 1 hour" });
  await section.getByRole("button", { name: "Rotate secret" }).click();
  await expect(section.getByTestId("embed-secret")).not.toHaveText(original);
  const rotated = await secretOf(ws.projectId);
  await expect(section.getByTestId("embed-secret")).toHaveText(rotated.embedSecret);
  expect(rotated.embedSecretPrevious).toBe(original);
  expect(rotated.embedSecretPreviousExpiresAt!.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
  await expect(section.getByRole("status")).toContainText("Tokens signed with the previous secret still work until");

  await section.getByRole("button", { name: "Retire it now" }).click();
  await expect(section.getByRole("status")).toHaveCount(0);
  expect((await secretOf(ws.projectId)).embedSecretPreviousExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
});

test("a viewer's settings page has no embed secret section and no secret", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  const { embedSecret } = await secretOf(ws.projectId);
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  await expect(page.getByRole("region", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Embed signing secret" })).toHaveCount(0);
  expect(await page.content()).not.toContain(embedSecret);
  const answer = await page.request.get(`/api/v1/projects/${ws.projectId}/embed-secret`);
  expect(answer.status()).toBe(403);
});
