// A workspace with known events for the analyst app's browser tests, and a sign-in helper.
import type { Page } from "@playwright/test";
import { getPool } from "../lib/db/client";
import { ensureEventPartitions } from "../lib/db/partitions";
import { eventRow } from "../lib/ingest/event-row";
import { type EventRow, writeEvents } from "../lib/ingest/write-events";
import type { Role } from "../lib/workspace/schemas";
import { createMember, createTenant, type Tenant } from "./fixtures";

const DAY = 86_400_000;

function event(actor: string, name: string, at: Date, path: string, extra: Partial<EventRow> = {}): EventRow {
  return eventRow({
    name,
    timestamp: at,
    userId: actor,
    sessionId: `${actor}-${at.toISOString().slice(0, 10)}`,
    path,
    deviceType: "desktop",
    ...extra,
  });
}

/** Known numbers: last 30 days 4 pageviews by 3 visitors; last 7 days 3 pageviews by 2; "/docs" 1 pageview. */
export async function seedAnalystWorkspace(
  role: Role = "analyst",
): Promise<Tenant & { email: string; password: string }> {
  const tenant = await createTenant();
  const noon = (daysAgo: number, hour: number) =>
    new Date(Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY + hour * 3_600_000);
  await ensureEventPartitions(getPool(), new Date(Date.now() - 40 * DAY), new Date());
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    event("u1", "pageview", noon(2, 10), "/", { browser: "Chrome", country: "FR", referrerHost: "google.com" }),
    event("u1", "pageview", noon(2, 10.1), "/pricing", { browser: "Chrome", country: "FR" }),
    event("u1", "signup", noon(2, 10.2), "/signup", { browser: "Chrome", country: "FR", properties: { plan: "pro" } }),
    event("u2", "pageview", noon(2, 11), "/", { browser: "Firefox", country: "DE" }),
    event("u3", "pageview", noon(10, 12), "/docs", { browser: "Safari", country: "US" }),
  ]);
  const { email, password } = await createMember(tenant.organizationId, role, "e2e-password-123");
  return { ...tenant, email, password };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/projects");
}
