// The people API over real HTTP, on a hand-built person: who may look people up (analysts and up;
// viewers 403, other organizations 404), bad input as the one error shape, the profile (first source,
// device, two sessions split by the 30-minute rule) and the timeline paged exactly by cursor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import type { PersonProfile, TimelinePage } from "./schemas";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 3, 10, 0) + minute * 60_000);

let tenant: Tenant;
let analyst: SignedInMember;
let viewer: SignedInMember;
let admin: SignedInMember;
let outsider: SignedInMember;
/** Alice's events (user id "alice"), in the order the timeline must show them. */
let alice: EventRow[];
const carol = [
  eventRow({
    name: "pageview",
    timestamp: at(-23 * 60),
    anonymousId: "anon-carol",
    path: "/blog",
    referrerHost: "hn.example",
  }),
  eventRow({ name: "pageview", timestamp: at(40), anonymousId: "anon-carol", path: "/pricing" }),
  eventRow({ name: "signup", timestamp: at(45), userId: "carol", anonymousId: "anon-carol", path: "/signup" }),
  eventRow({ name: "pageview", timestamp: at(50), userId: "carol", anonymousId: "anon-carol", path: "/app" }),
];

const newestFirst = (rows: EventRow[]) =>
  [...rows].sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || (a.eventId < b.eventId ? 1 : -1));

beforeAll(async () => {
  tenant = await createTenant();
  const other = await createTenant();
  [analyst, viewer, admin, outsider] = await Promise.all([
    signedInMember(tenant.organizationId, "analyst"),
    signedInMember(tenant.organizationId, "viewer"),
    signedInMember(tenant.organizationId, "admin"),
    signedInMember(other.organizationId, "owner"),
  ]);
  const user = (minute: number, name: string, extra: Partial<EventRow> = {}) =>
    eventRow({ name, timestamp: at(minute), userId: "alice", anonymousId: "anon-alice", ...extra });
  alice = [
    // Session 1 (no session id): 10:00-10:25, arriving from a newsletter on Google.
    user(0, "pageview", {
      path: "/",
      referrerHost: "google.com",
      utmSource: "newsletter",
      utmMedium: "email",
      utmCampaign: "winter",
      browser: "Firefox",
      os: "Linux",
      deviceType: "desktop",
      country: "DE",
    }),
    user(10, "pageview", { path: "/pricing" }),
    user(25, "signup", { path: "/signup", properties: { plan: "pro", seats: 3 } }),
    // Two events at the same instant: the cursor must not lose or repeat either.
    user(25, "click", { path: "/signup", properties: { button: "confirm" } }),
    // 40 minutes later: session 2 (10:65 = 11:05), now on a phone in France.
    user(65, "pageview", { path: "/docs", browser: "Safari", os: "iOS", deviceType: "mobile", country: "FR" }),
    user(70, "pageview", { path: "/docs/api" }),
  ];
  await ensureEventPartitions(getPool(), at(-24 * 60), at(120));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    ...alice,
    // Someone else at the same minutes, and an anonymous visitor whose id is the string "alice":
    // the same actor hash as user "alice", a different person.
    eventRow({ name: "pageview", timestamp: at(10), userId: "bob", path: "/" }),
    eventRow({ name: "pageview", timestamp: at(30), anonymousId: "alice", path: "/anon" }),
    // Carol browses anonymously a day early and again before signing in, then is identified.
    ...carol,
    // A device two users signed in on: its anonymous events stay their own.
    eventRow({ name: "pageview", timestamp: at(5), anonymousId: "shared-device", path: "/" }),
    eventRow({ name: "pageview", timestamp: at(6), userId: "dan", anonymousId: "shared-device", path: "/" }),
    eventRow({ name: "pageview", timestamp: at(7), userId: "erin", anonymousId: "shared-device", path: "/" }),
  ]);
  // Alice in another organization's project is invisible here.
  await writeEvents(getPool(), other.organizationId, other.projectId, [
    eventRow({ name: "pageview", timestamp: at(90), userId: "alice", path: "/elsewhere" }),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

function get(member: SignedInMember | null, path: string): Promise<Response> {
  return fetch(`${testBaseUrl()}${path}`, { headers: member ? { cookie: member.cookie } : {} });
}

const people = (projectId: string, query: string) => `/api/v1/projects/${projectId}/people?${query}`;
const events = (projectId: string, query: string) => `/api/v1/projects/${projectId}/people/events?${query}`;

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("who may see people", () => {
  it("answers analysts and admins, refuses viewers (403), hides the project from others (404) and asks who you are (401)", async () => {
    for (const member of [analyst, admin]) {
      expect((await get(member, people(tenant.projectId, "user_id=alice"))).status).toBe(200);
      expect((await get(member, events(tenant.projectId, "user_id=alice"))).status).toBe(200);
    }
    for (const path of [people(tenant.projectId, "user_id=alice"), events(tenant.projectId, "user_id=alice")]) {
      const denied = await get(viewer, path);
      expect(denied.status).toBe(403);
      expect((await errorOf(denied)).code).toBe("forbidden");
      const hidden = await get(outsider, path);
      expect(hidden.status).toBe(404);
      expect((await errorOf(hidden)).code).toBe("not_found");
      expect((await get(null, path)).status).toBe(401);
    }
  });

  it("says clearly when nobody has the id (exact match only)", async () => {
    for (const query of ["user_id=alic", "user_id=ALICE", "anonymous_id=anon-alice", "user_id=anon-alice"]) {
      const response = await get(analyst, people(tenant.projectId, query));
      expect(response.status, query).toBe(404);
      expect((await errorOf(response)).message).toMatch(/^Nobody in this project has (user|anonymous) id "/);
      expect((await get(analyst, events(tenant.projectId, query))).status, query).toBe(404);
    }
  });

  it("answers bad input with 400 and the one error shape", async () => {
    const bad = [
      people(tenant.projectId, ""),
      people(tenant.projectId, "user_id=alice&anonymous_id=x"),
      people(tenant.projectId, "user_id="),
      people(tenant.projectId, `user_id=${"x".repeat(201)}`),
      people(tenant.projectId, "user_id=alice&user_id=bob"),
      events(tenant.projectId, "user_id=alice&limit=0"),
      events(tenant.projectId, "user_id=alice&limit=201"),
      events(tenant.projectId, "user_id=alice&limit=ten"),
      events(tenant.projectId, "user_id=alice&cursor=not-a-cursor"),
      events(tenant.projectId, `user_id=alice&cursor=${Buffer.from('{"t":"x","id":"y"}').toString("base64url")}`),
    ];
    for (const path of bad) {
      const response = await get(analyst, path);
      expect(response.status, path).toBe(400);
      expect((await errorOf(response)).code, path).toBe("invalid_request");
    }
    const notAProject = await get(analyst, "/api/v1/projects/not-a-uuid/people?user_id=alice");
    expect(notAProject.status).toBe(404);
  });
});

describe("a person's profile and timeline", () => {
  it("shows first and last seen, the latest device, the first source and two sessions split by the 30-minute rule", async () => {
    const response = await get(analyst, people(tenant.projectId, "user_id=alice"));
    const profile = (await response.json()) as PersonProfile;
    expect(profile).toEqual({
      person: { user_id: "alice", anonymous_id: null },
      identity: { user_id: "alice", anonymous_ids: ["anon-alice"] },
      first_seen: at(0).toISOString(),
      last_seen: at(70).toISOString(),
      device: "mobile",
      browser: "Safari",
      os: "iOS",
      country: "FR",
      first_source: {
        referrer: "google.com",
        utm_source: "newsletter",
        utm_medium: "email",
        utm_campaign: "winter",
        path: "/",
      },
      sessions: [
        {
          session_id: null,
          started_at: at(65).toISOString(),
          ended_at: at(70).toISOString(),
          events: 2,
          pageviews: 2,
          entry_path: "/docs",
          exit_path: "/docs/api",
        },
        {
          session_id: null,
          started_at: at(0).toISOString(),
          ended_at: at(25).toISOString(),
          events: 4,
          pageviews: 2,
          entry_path: "/",
          exit_path: "/signup",
        },
      ],
      sessions_complete: true,
    });
  });

  it("finds the anonymous visitor whose id equals a user id apart from that user", async () => {
    const profile = (await (
      await get(analyst, people(tenant.projectId, "anonymous_id=alice"))
    ).json()) as PersonProfile;
    expect(profile.person).toEqual({ user_id: null, anonymous_id: "alice" });
    expect(profile.identity).toEqual({ user_id: null, anonymous_ids: ["alice"] });
    expect([profile.first_seen, profile.last_seen]).toEqual([at(30).toISOString(), at(30).toISOString()]);
    const page = (await (await get(analyst, events(tenant.projectId, "anonymous_id=alice"))).json()) as TimelinePage;
    expect(page.events.map((e) => e.path)).toEqual(["/anon"]);
    expect(page.next_cursor).toBeNull();
  });

  it("shows an anonymous id later identified as a user as one history, looked up by either id", async () => {
    for (const query of ["user_id=carol", "anonymous_id=anon-carol"]) {
      const profile = (await (await get(analyst, people(tenant.projectId, query))).json()) as PersonProfile;
      expect(profile.identity, query).toEqual({ user_id: "carol", anonymous_ids: ["anon-carol"] });
      // First seen and the first source are the anonymous visit's, a day before the sign-up.
      expect(profile.first_seen).toBe(at(-23 * 60).toISOString());
      expect(profile.first_source.referrer).toBe("hn.example");
      expect(profile.last_seen).toBe(at(50).toISOString());
      const page = (await (await get(analyst, events(tenant.projectId, `${query}&limit=3`))).json()) as TimelinePage;
      const older = (await (
        await get(analyst, events(tenant.projectId, `${query}&limit=3&cursor=${page.next_cursor}`))
      ).json()) as TimelinePage;
      expect([...page.events, ...older.events].map((e) => e.event_id)).toEqual(
        newestFirst(carol).map((e) => e.eventId),
      );
      expect(older.next_cursor).toBeNull();
    }
    // Identified as two users: looked up by the device's id, its anonymous events are no one user's;
    // looked up by a user, their history holds the anonymous visits of every device they signed in on.
    const shared = (await (
      await get(analyst, people(tenant.projectId, "anonymous_id=shared-device"))
    ).json()) as PersonProfile;
    expect(shared.identity).toEqual({ user_id: null, anonymous_ids: ["shared-device"] });
    const dan = (await (await get(analyst, events(tenant.projectId, "user_id=dan"))).json()) as TimelinePage;
    expect(dan.events.map((e) => e.path)).toEqual(["/", "/"]);
  });

  it("pages the timeline newest first by cursor, every event exactly once, with its properties", async () => {
    const seen: TimelinePage["events"] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `user_id=alice&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const response = await get(analyst, events(tenant.projectId, query));
      expect(response.status).toBe(200);
      const page = (await response.json()) as TimelinePage;
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events);
      cursor = page.next_cursor;
      cursors.push(cursor);
    } while (cursor);
    expect(cursors.map((c) => c !== null)).toEqual([true, true, false]);
    expect(seen.map((e) => e.event_id)).toEqual(newestFirst(alice).map((e) => e.eventId));
    const signup = seen.find((e) => e.name === "signup");
    expect(signup).toMatchObject({
      timestamp: at(25).toISOString(),
      path: "/signup",
      session_id: null,
      properties: { plan: "pro", seats: 3 },
    });
    const all = (await (
      await get(analyst, events(tenant.projectId, "user_id=alice&limit=200"))
    ).json()) as TimelinePage;
    expect(all.events.map((e) => e.event_id)).toEqual(seen.map((e) => e.event_id));
    expect(all.next_cursor).toBeNull();
  });
});
