// Helpers for the tracker's browser tests (e2e/tracker*.spec.ts): the demo page's URL for a tenant,
// the ingestion requests a page makes, the events that reached the database, and proofs that a page
// has sent all it is going to (no test waits a fixed time for something not to happen).
import { randomUUID } from "node:crypto";
import { expect, type Page, type Request } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import type { Tenant } from "./fixtures";

export const INGEST_URL = "**/api/v1/events";

export function demoUrl(tenant: Tenant, path = "/tracker-demo", query: Record<string, string> = {}): string {
  return `${path}?${new URLSearchParams({ key: tenant.writeKey, ...query })}`;
}

export function eventsOf(tenant: Tenant) {
  return getPrisma().event.findMany({
    where: { projectId: tenant.projectId },
    orderBy: [{ timestamp: "asc" }, { receivedAt: "asc" }],
  });
}

export type StoredEvent = Awaited<ReturnType<typeof eventsOf>>[number];

/**
 * Polls the database until `ready` holds for the tenant's events, and returns them. By default as long
 * as any other condition (playwright.config.ts): what it waits for is the page's requests, retries
 * and the server's writes, seconds each on a loaded machine.
 */
export async function waitForEvents(
  tenant: Tenant,
  ready: (events: StoredEvent[]) => boolean,
  timeout?: number,
): Promise<StoredEvent[]> {
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
  events: {
    event_id: string;
    name: string;
    anonymous_id?: string;
    properties?: Record<string, unknown>;
    context?: { page?: { url?: string; path?: string } };
  }[];
}

export interface IngestRecorder {
  /** Every ingestion request the page started, in the order it started them. */
  requests: Request[];
  batches(): SentBatch[];
  /** The event names of each request. */
  names(): string[][];
  /**
   * Resolves once every request the page has started is answered. A navigation before then can cut
   * one short: the tracker puts its events back in the stored queue, and the next page sends them again.
   */
  settled(): Promise<void>;
}

/** Records every ingestion request the page sends, with its parsed body, and whether it has been answered. */
export function recordIngestRequests(page: Page): IngestRecorder {
  const requests: Request[] = [];
  const done = new Set<Request>();
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/v1/events") requests.push(request);
  });
  page.on("requestfinished", (request) => done.add(request));
  page.on("requestfailed", (request) => done.add(request));
  const inFlight = () => requests.filter((request) => !done.has(request)).length;
  const batches = () => requests.map((request) => JSON.parse(request.postData() ?? "{}") as SentBatch);
  return {
    requests,
    batches,
    names: () => batches().map((batch) => batch.events.map((event) => event.name)),
    settled: () => expect.poll(inFlight).toBe(0),
  };
}

/**
 * Sends the tracker's queue now, and resolves when that flush has finished: its request answered,
 * or its decision made not to send (consent pending or refused, Do Not Track, backing off, nothing
 * queued). Timers run the same flush, so what it does not send now, it would not send later either
 * unless something new is queued.
 */
export const flushTracker = (page: Page) => page.evaluate(() => window.lumen?.flush());

export const waitForTracker = (page: Page) => page.waitForFunction(() => !!window.lumen);

/** The events the tracker keeps in localStorage for a later flush (or a later page). */
export const storedQueue = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem("lumen_queue") || "[]") as SentBatch["events"]);

export const MARKER = "e2e_marker";

/**
 * Proof that the page has sent everything it was going to until now. The page posts a marker event
 * itself, after whatever the test did; requests are reported in the order the page starts them, so
 * once the marker's is recorded, every ingestion request the page started before it is recorded too,
 * and once none is still in flight, the database holds all they carried. The test then asserts
 * which requests there were (`names()` ends with [MARKER]) and what was stored.
 */
export async function sendMarker(page: Page, tenant: Tenant, recorder: IngestRecorder): Promise<void> {
  const eventId = randomUUID();
  const status = await page.evaluate(
    async ([key, id, name]) =>
      (
        await fetch("/api/v1/events", {
          method: "POST",
          body: JSON.stringify({ api_key: key, events: [{ event_id: id, name }] }),
        })
      ).status,
    [tenant.writeKey, eventId, MARKER] as const,
  );
  expect(status, "the marker event was accepted").toBe(202);
  await expect
    .poll(() => recorder.batches().some((batch) => batch.events.some((event) => event.event_id === eventId)))
    .toBe(true);
  await recorder.settled();
}

/** Records the names of the events the page's tracker builds, through its public beforeSend hook. */
export async function observeTracking(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { tracked: string[] }).tracked = seen;
    window.lumen!.beforeSend = (event) => {
      seen.push(event.name);
      return event;
    };
  });
  return () => page.evaluate(() => (window as unknown as { tracked: string[] }).tracked);
}
