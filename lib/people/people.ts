// People: one person's profile and timeline in a project, for owners, admins and analysts. Viewers
// get 403: person-level data (ids, properties, what one visitor did) is more sensitive than the
// aggregates they may read. Anyone outside the organization gets 404. A person is the id looked up
// with the ids it is known to be one visitor with (identity.ts: an anonymous id later identified as
// a user). Reads through person-events.ts, whose cost is bounded by each id's hash bucket, never the
// project's events.
import "server-only";
import { hasRole } from "../auth/roles";
import { readInReportSnapshot } from "../db/report-read";
import { ApiError } from "../errors";
import { getProjectForUser } from "../workspace/projects-for-user";
import { readIdentityEvents, resolveIdentity } from "./identity";
import type { PersonEventRow, PersonTenant } from "./person-events";
import { sessionsOf } from "./person-sessions";
import type { PersonProfile, PersonRef, TimelinePage } from "./schemas";
import { encodeCursor, type TimelineCursor } from "./timeline-cursor";

/** The latest events read for the profile's sessions and device: memory and time stay bounded for any history. */
export const SESSION_EVENTS_LIMIT = 5_000;

/** The project's tenant for someone who may see its people; 404 outside the organization, 403 for viewers. */
export async function peopleTenantForUser(userId: string, projectId: string): Promise<PersonTenant> {
  const access = await getProjectForUser(userId, projectId);
  if (!access) throw new ApiError("not_found", "No such project");
  if (!hasRole(access.role, "analyst"))
    throw new ApiError("forbidden", `People need the analyst role or higher; you are ${access.role}`);
  return { organizationId: access.project.organizationId, projectId };
}

function describe(person: PersonRef): string {
  return "userId" in person ? `user id "${person.userId}"` : `anonymous id "${person.anonymousId}"`;
}

function nobody(person: PersonRef): ApiError {
  return new ApiError("not_found", `Nobody in this project has ${describe(person)}`);
}

const latest = (events: PersonEventRow[], pick: (e: PersonEventRow) => string | null) =>
  events.map(pick).find((value) => value !== null) ?? null;

export async function readPersonProfile(tenant: PersonTenant, person: PersonRef): Promise<PersonProfile> {
  return readInReportSnapshot(async (db) => {
    const identity = await resolveIdentity(db, tenant, person);
    const [first] = await readIdentityEvents(db, tenant, identity, { order: "asc", limit: 1 });
    if (!first) throw nobody(person);
    const recent = await readIdentityEvents(db, tenant, identity, {
      order: "desc",
      limit: SESSION_EVENTS_LIMIT + 1,
    });
    const complete = recent.length <= SESSION_EVENTS_LIMIT;
    const read = recent.slice(0, SESSION_EVENTS_LIMIT);
    return {
      person:
        "userId" in person
          ? { user_id: person.userId, anonymous_id: null }
          : { user_id: null, anonymous_id: person.anonymousId },
      identity: { user_id: identity.userId, anonymous_ids: identity.anonymousIds },
      first_seen: first.timestamp.toISOString(),
      last_seen: (read[0] ?? first).timestamp.toISOString(),
      device: latest(read, (e) => e.device_type),
      browser: latest(read, (e) => e.browser),
      os: latest(read, (e) => e.os),
      country: latest(read, (e) => e.country),
      first_source: {
        referrer: first.referrer_host,
        utm_source: first.utm_source,
        utm_medium: first.utm_medium,
        utm_campaign: first.utm_campaign,
        path: first.path,
      },
      sessions: sessionsOf(read),
      sessions_complete: complete,
    };
  });
}

/** A page of the person's events (of every id of theirs), newest first, with properties; 404 when nobody has that id. */
export async function readPersonTimeline(
  tenant: PersonTenant,
  person: PersonRef,
  page: { limit: number; cursor?: TimelineCursor },
): Promise<TimelinePage> {
  const rows = await readInReportSnapshot(async (db) =>
    readIdentityEvents(db, tenant, await resolveIdentity(db, tenant, person), {
      order: "desc",
      limit: page.limit + 1,
      after: page.cursor,
      withProperties: true,
    }),
  );
  if (rows.length === 0 && !page.cursor) throw nobody(person);
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    events: shown.map((e) => ({
      event_id: e.event_id,
      name: e.name,
      timestamp: e.timestamp.toISOString(),
      session_id: e.session_id,
      path: e.path,
      title: e.title,
      referrer: e.referrer_host,
      properties: e.properties,
    })),
    next_cursor:
      rows.length > page.limit && last
        ? encodeCursor({ timestamp: last.timestamp.toISOString(), eventId: last.event_id })
        : null,
  };
}
