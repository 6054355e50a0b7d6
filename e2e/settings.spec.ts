// Settings in Chromium: the API key form (one click, one key; it empties once the key is made, and
// the key, shown once, has a Copy button) and "Install and verify" (the snippets carry a new write
// key; the check turns green by itself when the first event arrives).
import { expect, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";
import { createMember, createTenant } from "../testing/fixtures";

test("creating a key empties the form, a double click makes one key, and the key is copied", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const ws = await seedAnalystWorkspace("admin");
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/settings`);
  const section = page.getByRole("region", { name: "API keys" });
  const form = section.getByRole("form", { name: "Create an API key" });
  await form.getByLabel("Key name").fill("Checkout");
  await form.getByLabel("Kind").selectOption("read");
  await form.getByLabel("Allowed origins").fill("https://shop.example.com");
  await form.getByRole("button", { name: "Create key" }).dblclick();

  const key = section.getByTestId("new-key");
  await expect(key).toHaveText(/^lmr_/);
  await expect(form.getByLabel("Key name")).toHaveValue("");
  await expect(form.getByLabel("Kind")).toHaveValue("write");
  await expect(form.getByLabel("Allowed origins")).toHaveValue("");
  await expect(section.getByRole("list", { name: "Keys" })).toContainText("Checkout · read · https://shop.example.com");
  const made = await getPrisma().apiKey.findMany({ where: { organizationId: ws.organizationId, name: "Checkout" } });
  expect(made).toHaveLength(1);

  await section.getByRole("button", { name: "Copy key" }).click();
  await expect(section.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await key.textContent());

  // A second key is a second submission: a new key, shown in place of the first.
  await form.getByLabel("Key name").fill("Backend");
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(section.getByRole("list", { name: "Keys" })).toContainText("Backend · write");
  await expect(key).toHaveText(/^lmw_/);
  // Shown once: it is gone after "Done", and not in the page after a reload.
  const backendKey = (await key.textContent())!;
  await section.getByRole("button", { name: "Done" }).click();
  await expect(key).toHaveCount(0);
  await page.reload();
  await expect(section.getByRole("list", { name: "Keys" })).toContainText("Backend");
  expect(await page.content()).not.toContain(backendKey);
});

test("install and verify: the snippets carry a new write key, and the check turns green when an event arrives", async ({
  page,
}) => {
  // A project with no events yet.
  const tenant = await createTenant();
  const admin = await createMember(tenant.organizationId, "admin", "e2e-password-123");
  await signIn(page, admin.email, admin.password);
  await page.goto(`/projects/${tenant.projectId}/settings`);
  const install = page.getByRole("region", { name: "Install and verify" });
  const status = install.getByTestId("installation-status");
  await expect(status).toHaveText(/No events yet/);
  await expect(install).toContainText('data-key="YOUR_WRITE_KEY"');

  await install.getByRole("button", { name: "Create a write key for these snippets" }).click();
  const website = install.locator("pre").first();
  await expect(website).toContainText(/data-key="lmw_[\w-]+"/);
  const writeKey = (await website.textContent())!.match(/data-key="(lmw_[\w-]+)"/)![1]!;
  await expect(install.locator("pre").nth(1)).toContainText(`writeKey: "${writeKey}"`);
  await expect(install.locator("pre").nth(2)).toContainText(`Authorization: Bearer ${writeKey}`);

  // The key in the snippet works; the check follows without a click or a reload.
  const sent = await page.request.post("/api/v1/events", {
    headers: { authorization: `Bearer ${writeKey}` },
    data: { name: "pageview" },
  });
  expect(sent.status()).toBe(202);
  await expect(status).toHaveText(/Installed: events are arriving\. Latest: pageview/);

  // A viewer sees the check, and no button to make keys.
  const viewer = await createMember(tenant.organizationId, "viewer", "e2e-password-123");
  await page.context().clearCookies();
  await signIn(page, viewer.email, viewer.password);
  await page.goto(`/projects/${tenant.projectId}/settings`);
  await expect(status).toHaveText(/Latest: pageview/);
  await expect(install.getByRole("button", { name: /Create a write key/ })).toHaveCount(0);
  await expect(install).toContainText("Ask an owner or admin");
});
