// GET /api/v1/projects/{id}/realtime over real HTTP on hand-built recent events, at a held clock
// (X-Lumen-Test-Now): active visitors, the pages they are on, the 30 minutes per minute and the feed;
// members of any role read it, who did each event only for analysts and up, others get 404.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { TEST_NOW_HEADER } from "../clock";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import type { RealtimeSnapshot } from "./realtime-schemas";

const NOW = new Date("2026-11-04T12:00:30.000Z");
const at = (hhmmss: string) => new Date(`2026-11-04T${hhmmss}.000Z`);

let tenant: Tenant;
let viewer: SignedInMember;
let analyst: SignedInMember;
let outsider: SignedInMember;

beforeAll(async () => {
  tenant = await createTenant();
  const other = await createTenant();
  [viewer, analyst, outsider] = await Promise.all([
    signedInMember(tenant.organizationId, "viewer"),
    signedInMember(tenant.organizationId, "analyst"),
    signedInMember(other.organizationId, "owner"),
  ]);
  const e = (time: string, name: string, extra: Partial<EventRow>) => eventRow({ name, timestamp: at(time), ...extra });
  await ensureEventPartitions(getPool(), at("00:00:00"), at("23:00:00"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    // Before the first minute of the chart (11:31): left out everywhere.
    e("11:30:59", "pageview", { userId: "v0", path: "/old" }),
    e("11:31:00", "pageview", { userId: "v0", path: "/old" }),
    // Ten minutes ago: in the chart, not active.
    e("11:50:00", "pageview", { anonymousId: "a3", path: "/a" }),
    // Active (since 11:55:30): v1 is on /b now (a later click has no page), v2 on /a.
    e("11:57:00", "pageview", { userId: "v2", path: "/a" }),
    e("11:58:00", "pageview", { userId: "v1", path: "/a" }),
    e("11:59:10", "pageview", { userId: "v1", path: "/b", country: "FR", deviceType: "desktop", browser: "Firefox" }),
    e("11:59:20", "server_ping", {}),
    e("12:00:10", "click", { userId: "v1" }),
    // After now: not yet.
    e("12:01:00", "pageview", { userId: "v9", path: "/future" }),
  ]);
  await writeEvents(getPool(), other.organizationId, other.projectId, [
    e("11:59:00", "pageview", { userId: "stranger", path: "/a" }),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

function read(member: SignedInMember | null, projectId = tenant.projectId): Promise<Response> {
  return fetch(`${testBaseUrl()}/api/v1/projects/${projectId}/realtime`, {
    headers: { [TEST_NOW_HEADER]: NOW.toISOString(), ...(member ? { cookie: member.cookie } : {}) },
  });
}

it("counts active visitors, their current pages, the last 30 minutes per minute and the latest events", async () => {
  const response = await read(viewer);
  expect(response.status).toBe(200);
  const snapshot = (await response.json()) as RealtimeSnapshot;
  expect(snapshot.computed_at).toBe(NOW.toISOString());
  expect(snapshot.active_visitors).toBe(2);
  expect(snapshot.current_pages).toEqual([
    { path: "/a", visitors: 1 },
    { path: "/b", visitors: 1 },
  ]);

  expect(snapshot.minutes).toHaveLength(30);
  expect(snapshot.minutes[0]!.minute).toBe(at("11:31:00").toISOString());
  expect(snapshot.minutes[29]!.minute).toBe(at("12:00:00").toISOString());
  const nonZero = snapshot.minutes
    .filter((m) => m.events > 0)
    .map((m) => [m.minute.slice(11, 16), m.events, m.visitors]);
  expect(nonZero).toEqual([
    ["11:31", 1, 1],
    ["11:50", 1, 1],
    ["11:57", 1, 1],
    ["11:58", 1, 1],
    // The event with no ids counts as an event, not a visitor.
    ["11:59", 2, 1],
    ["12:00", 1, 1],
  ]);

  expect(snapshot.feed.map((f) => [f.timestamp.slice(11, 19), f.name])).toEqual([
    ["12:00:10", "click"],
    ["11:59:20", "server_ping"],
    ["11:59:10", "pageview"],
    ["11:58:00", "pageview"],
    ["11:57:00", "pageview"],
    ["11:50:00", "pageview"],
    ["11:31:00", "pageview"],
  ]);
  expect(snapshot.feed[2]).toMatchObject({ path: "/b", country: "FR", device: "desktop", browser: "Firefox" });
  // A viewer sees what the overview shows: no person behind an event.
  expect(snapshot.feed.every((f) => f.person === null)).toBe(true);
});

it("names who did each event for analysts", async () => {
  const snapshot = (await (await read(analyst)).json()) as RealtimeSnapshot;
  expect(snapshot.feed[0]!.person).toEqual({ user_id: "v1", anonymous_id: null });
  expect(snapshot.feed[1]!.person).toBeNull();
  expect(snapshot.feed[5]!.person).toEqual({ user_id: null, anonymous_id: "a3" });
});

it("hides the project from other organizations (404) and asks who you are (401)", async () => {
  const hidden = await read(outsider);
  expect(hidden.status).toBe(404);
  expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe("not_found");
  expect((await read(null)).status).toBe(401);
  expect((await read(viewer, "not-a-uuid")).status).toBe(404);
});
