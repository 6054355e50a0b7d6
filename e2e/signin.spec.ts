// The sign-in page in Chromium: a throttled account is told how long to wait, and a callbackUrl
// pointing at another site lands on Lumen's projects page instead.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ACCOUNT_FAILURE_LIMIT } from "../lib/auth/sign-in-throttle";
import { createMember, createTenant, testBaseUrl } from "../testing/fixtures";

const PASSWORD = "e2e-password-123";

async function newUser(): Promise<string> {
  const { organizationId } = await createTenant();
  return (await createMember(organizationId, "viewer", PASSWORD)).email;
}

// A client address of each test's own (each run of it, too: --repeat-each), so its failures count
// against no one else's budget.
test.beforeEach(async ({ page }) => {
  const group = () => randomUUID().slice(0, 4);
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `2001:db8:${group()}:${group()}::${group()}` });
});

test("after repeated wrong passwords, the page says sign-in is paused and for how long", async ({ page }) => {
  const email = await newUser();
  const attempt = async (password: string) => {
    const answered = page.waitForResponse((r) => r.url().endsWith("/api/auth/callback/credentials"));
    // The form resets after each attempt: fill both fields every time.
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    return (await answered).status();
  };
  await page.goto("/signin");
  for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
    expect(await attempt(`wrong-${i}`)).toBe(401);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
  }
  expect(await attempt(PASSWORD)).toBe(429);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    /^Too many failed sign-in attempts\. Try again in 1[45] minutes\.$/,
  );
  await expect(page).toHaveURL(/\/signin/);
});

test("a callbackUrl on another site signs in to the projects page", async ({ page }) => {
  const email = await newUser();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("https://evil.example/phish")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/projects");
  expect(new URL(page.url()).origin).toBe(new URL(testBaseUrl()).origin);
});
