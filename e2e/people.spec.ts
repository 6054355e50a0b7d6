// People: an analyst looks a person up by user id and reads their profile, sessions and timeline
// (newest first, with properties); an id nobody has is said so. Owners and admins delete a person's
// data from their page; analysts do not see that action.
import { expect, test } from "@playwright/test";
import { getPool, getPrisma } from "../lib/db/client";
import { eventRow } from "../lib/ingest/event-row";
import { writeEvents } from "../lib/ingest/write-events";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { DELETION_JOB_WAIT_MS } from "../testing/fixtures";

test("looks a person up and reads their timeline", async ({ page }) => {
  // Sign-in, three page loads and a reload: past two minutes on a two-core machine at load 30.
  test.setTimeout(240_000);
  const ws = await seedAnalystWorkspace("analyst");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}`);
  const people = page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "People" });
  await expect(people).toHaveAttribute("href", `/projects/${ws.projectId}/people`);
  await page.goto(`/projects/${ws.projectId}/people`);

  const search = page.getByRole("form", { name: "Find a person" });
  await search.getByLabel("Look up by").selectOption("user_id");
  await search.getByLabel("Id").fill("nobody-here");
  await search.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("person-not-found")).toHaveText('Nobody in this project has user id "nobody-here".');

  await search.getByLabel("Id").fill("u1");
  await search.getByRole("button", { name: "Look up" }).click();
  await expect(page).toHaveURL(/\/people\?user_id=u1$/);
  const profile = page.getByTestId("person-profile");
  await expect(profile.locator('[data-field="First referrer"]')).toHaveText("google.com");
  await expect(profile.locator('[data-field="Browser"]')).toHaveText("Chrome");
  await expect(profile.locator('[data-field="Country"]')).toHaveText("FR");
  await expect(page.getByTestId("person-sessions").locator("tbody tr")).toHaveCount(1);

  const events = page.getByTestId("person-event");
  await expect(events).toHaveCount(3);
  await expect(events.nth(0)).toContainText("signup");
  await expect(events.nth(0).locator("pre")).toContainText('"plan": "pro"');
  await expect(events.nth(1)).toContainText("pageview/pricing");
  await expect(events.nth(2)).toContainText("pageview/");
  await expect(page.getByText("That is their first event.")).toBeVisible();
  // Analysts read people; deleting them is for owners and admins.
  await expect(page.getByTestId("person-deletion")).toHaveCount(0);

  // The person's page is its URL: a reload shows them again.
  await page.reload();
  await expect(page.getByTestId("person-event")).toHaveCount(3);
});

test("lets owners delete a person's data from their page", async ({ page }) => {
  test.setTimeout(DELETION_JOB_WAIT_MS + 120_000);
  const owner = await seedAnalystWorkspace("owner");
  // u2 browsed as a2 before signing in: the page shows both ids' events, and deletes them all.
  const before = new Date(Date.now() - 2 * 86_400_000);
  await writeEvents(getPool(), owner.organizationId, owner.projectId, [
    eventRow({ name: "pageview", timestamp: before, anonymousId: "a2", path: "/blog" }),
    eventRow({
      name: "pageview",
      timestamp: new Date(before.getTime() + 60_000),
      anonymousId: "a2",
      userId: "u2",
      path: "/app",
    }),
  ]);
  await signIn(page, owner.email, owner.password);
  await page.goto(`/projects/${owner.projectId}/people?user_id=u2`);
  await expect(page.getByTestId("person-event")).toHaveCount(3);
  const deletion = page.getByTestId("person-deletion");
  await expect(deletion.getByRole("heading", { name: "Delete this person's data" })).toBeVisible();
  await deletion.getByRole("button", { name: "Delete this person's data…" }).click();
  await deletion.getByRole("button", { name: "Cancel" }).click();
  expect(await getPrisma().personDeletion.count({ where: { projectId: owner.projectId } })).toBe(0);

  await deletion.getByRole("button", { name: "Delete this person's data…" }).click();
  await deletion.getByRole("button", { name: "Yes, delete" }).click();
  await expect(deletion.getByRole("status")).toContainText("Deletion of user u2, anonymous visitor a2 queued");
  // The jobs delete the person's events, under either id (the app's privacy upkeep runs them).
  await expect
    .poll(
      async () =>
        getPrisma().event.count({
          where: { projectId: owner.projectId, OR: [{ userId: "u2" }, { anonymousId: "a2" }] },
        }),
      { timeout: DELETION_JOB_WAIT_MS },
    )
    .toBe(0);
  expect(await getPrisma().event.count({ where: { projectId: owner.projectId, userId: "u1" } })).toBe(3);
});

test("shows viewers no people", async ({ page }) => {
  const viewer = await seedAnalystWorkspace("viewer");
  await signIn(page, viewer.email, viewer.password);
  await page.goto(`/projects/${viewer.projectId}/people?user_id=u2`);
  await expect(page.getByText("People are shown to analysts, admins and owners")).toBeVisible();
  await expect(page.getByTestId("person-event")).toHaveCount(0);
});
