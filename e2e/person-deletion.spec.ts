// Deleting a person's data from the settings page, in Chromium: an admin names a person by user id,
// confirms (cancelling first changes nothing), and watches the job in the list go to done while
// their events leave the database; a viewer has no such section.
import { expect, test } from "@playwright/test";
import { closeDatabase, getPool } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { DELETION_JOB_WAIT_MS } from "../testing/fixtures";

test.afterAll(async () => {
  await closeDatabase();
});

const eventsOf = async (projectId: string, userId: string) =>
  (
    await getPool().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE project_id = $1 AND user_id = $2",
      [projectId, userId],
    )
  ).rows[0]!.n;

const jobsOf = async (projectId: string) =>
  (
    await getPool().query<{ n: number }>("SELECT count(*)::int AS n FROM person_deletions WHERE project_id = $1", [
      projectId,
    ])
  ).rows[0]!.n;

test("an admin deletes a person's data after confirming, and sees the job finish", async ({ page }) => {
  test.setTimeout(DELETION_JOB_WAIT_MS + 120_000);
  const ws = await seedAnalystWorkspace("admin");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  const section = page.getByRole("region", { name: "Delete a person's data" });
  await expect(section.getByText("No deletions yet.")).toBeVisible();
  expect(await eventsOf(ws.projectId, "u1")).toBe(3);

  await section.getByLabel("Identify the person by").selectOption("user_id");
  await section.getByLabel("User id").fill("u1");
  await section.getByRole("button", { name: "Delete this person's data…" }).click();
  const confirmation = section.getByRole("alertdialog");
  await expect(confirmation).toContainText("user id u1");
  await confirmation.getByRole("button", { name: "Cancel" }).click();
  await expect(section.getByLabel("User id")).toHaveValue("u1");
  expect(await jobsOf(ws.projectId)).toBe(0);

  await section.getByRole("button", { name: "Delete this person's data…" }).click();
  await section.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
  await expect(section.getByRole("status")).toContainText("Deletion queued");
  await expect(section.getByLabel("User id")).toHaveValue("");

  const row = section.getByTestId("deletion-job");
  await expect(row).toHaveCount(1);
  // The list polls while the job is under way: it shows done without a reload.
  await expect(row.getByTestId("deletion-status")).toHaveText("Done", { timeout: DELETION_JOB_WAIT_MS });
  await expect(row).toContainText("User id p_");
  await expect(row).toContainText("Request");
  await expect(row.getByRole("cell").nth(4)).toHaveText("3");
  await expect(row).not.toContainText("u1");
  expect(await eventsOf(ws.projectId, "u1")).toBe(0);
  expect(await eventsOf(ws.projectId, "u2")).toBe(1);
});

test("a viewer has no deletion section and cannot request one", async ({ page }) => {
  const ws = await seedAnalystWorkspace("viewer");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  await expect(page.getByRole("region", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Delete a person's data" })).toHaveCount(0);
  const response = await page.request.post("/api/v1/privacy/deletions", {
    data: { project_id: ws.projectId, user_id: "u1" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(response.status()).toBe(403);
  expect(await eventsOf(ws.projectId, "u1")).toBe(3);
});
