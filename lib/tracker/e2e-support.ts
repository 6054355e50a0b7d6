// Helpers for the tracker's browser tests (e2e/tracker*.spec.ts): the demo page's URL for a tenant,
// the ingestion requests a page makes, and the events that reached the database.
import { expect, type Page, type Request } from "@playwright/test";
import { getPrisma } from "../db/client";
import type { Tenant } from "../testing/fixtures";

export const INGEST_URL = "**/api/v1/events";

export function demoUrl(tenant: Tenant, path = "/tracker-demo", query: Record<string, string> = {}): string {
  return `${path}?${new URLSearchParams({ key: tenant.writeKey, ...query })}`;
}

export function eventsOf(tenant: Tenant) {
  return getPrisma().event.findMany({ where: { projectId: tenant.projectId }, orderBy: [{ timestamp: "asc" }, { receivedAt: "asc" }] });
}

export type StoredEvent = Awaited<ReturnType<typeof eventsOf>>[number];

/** Polls the database until `ready` holds for the tenant's events, and returns them. */
export async function waitForEvents(tenant: Tenant, ready: (events: StoredEvent[]) => boolean, timeout = 15_000): Promise<StoredEvent[]> {
  let events: StoredEvent[] = [];
  await expect
    .poll(
      async () => {
        events = await eventsOf(tenant);
        return ready(events);
      },
      { timeout },
    )
    .toBe(true);
  return events;
}

export const named = (events: StoredEvent[], name: string) => events.filter((event) => event.name === name);

export interface SentBatch {
  events: { event_id: string; name: string; anonymous_id?: string; properties?: Record<string, unknown>; context?: { page?: { url?: string } } }[];
}

/** Records every ingestion request the page sends, with its parsed body. */
export function recordIngestRequests(page: Page): { requests: Request[]; batches: () => SentBatch[] } {
  const requests: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/v1/events") requests.push(request);
  });
  return { requests, batches: () => requests.map((request) => JSON.parse(request.postData() ?? "{}") as SentBatch) };
}

/** Sends the tracker's queue now instead of waiting for its batching interval. */
export const flushTracker = (page: Page) => page.evaluate(() => window.lumen?.flush());

export const waitForTracker = (page: Page) => page.waitForFunction(() => !!window.lumen);

