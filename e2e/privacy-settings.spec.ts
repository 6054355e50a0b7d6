// Privacy and retention in the settings page, in Chromium: an admin changes scrubbing, dropped keys,
// the consent purge, suppression and retention, sees them kept, and previews what retention would delete; a
// viewer has no such section and cannot read the settings.
import { expect, test } from "@playwright/test";
import { closeDatabase, getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

test.afterAll(async () => {
  await closeDatabase();
});

const privacyOf = (projectId: string) =>
  getPrisma().project.findUniqueOrThrow({
    where: { id: projectId },
    select: {
      scrubbingDisabled: true,
      droppedPropertyKeys: true,
      purgeOnConsentWithdrawal: true,
      suppressDeletedPersons: true,
      rawRetentionMonths: true,
      aggregateRetentionMonths: true,
    },
  });

test("an admin changes privacy and retention settings and previews retention", async ({ page }) => {
  const ws = await seedAnalystWorkspace("admin");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  const section = page.getByRole("region", { name: "Privacy and retention" });
  await expect(section.getByLabel("IP addresses")).toBeChecked();

  await section.getByLabel("IP addresses").uncheck();
  await section.getByLabel(/Property keys never stored/).fill("password, ssn");
  await section.getByLabel(/withdraw consent/).check();
  await expect(section.getByLabel(/whose data was deleted/)).not.toBeChecked();
  await section.getByLabel(/whose data was deleted/).check();
  await section.getByLabel("Keep raw events (months)").fill("13");
  await section.getByLabel("Keep aggregates (months)").fill("36");
  await section.getByRole("button", { name: "Save privacy settings" }).click();
  await expect(section.getByText("Saved")).toBeVisible();
  expect(await privacyOf(ws.projectId)).toEqual({
    scrubbingDisabled: ["ip"],
    droppedPropertyKeys: ["password", "ssn"],
    purgeOnConsentWithdrawal: true,
    suppressDeletedPersons: true,
    rawRetentionMonths: 13,
    aggregateRetentionMonths: 36,
  });

  // Aggregates kept for less time than raw events: refused, with the reason shown.
  await section.getByLabel("Keep aggregates (months)").fill("6");
  await section.getByRole("button", { name: "Save privacy settings" }).click();
  await expect(section.getByRole("alert")).toContainText("at least raw_events_months");

  await page.reload();
  await expect(section.getByLabel("IP addresses")).not.toBeChecked();
  await expect(section.getByLabel("Keep raw events (months)")).toHaveValue("13");
  await expect(section.getByLabel(/whose data was deleted/)).toBeChecked();
  await expect(section.getByLabel(/Property keys never stored/)).toHaveValue("password, ssn");

  await section.getByRole("button", { name: "Preview what retention would delete now" }).click();
  await expect(section.getByTestId("retention-preview")).toContainText("0 raw events before");
});

test("a viewer has no privacy section and cannot read the settings", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  await expect(page.getByRole("region", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Privacy and retention" })).toHaveCount(0);
  expect((await page.request.get(`/api/v1/projects/${ws.projectId}/privacy`)).status()).toBe(403);
});
