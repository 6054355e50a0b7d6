import { expect, test } from "@playwright/test";

test("the home page introduces Lumen and links to the health check", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Lumen" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Send your first event" })).toBeVisible();
  const health = await page.request.get("/api/health");
  expect(await health.json()).toEqual({
    status: "ok",
    db: "up",
    realtime: { feeds: expect.any(Number), viewers: expect.any(Number), computations: expect.any(Number) },
  });
});
