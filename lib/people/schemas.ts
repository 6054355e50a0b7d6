// The people pages' API: who to look up (exactly one of user id or anonymous id, matched exactly),
// a page of their events by cursor, and what the answers hold. Shared by the routes and the browser.
import { z } from "zod";

const idValue = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");

/** One person: the events carrying this user id, or the anonymous events (no user id) carrying this anonymous id. */
export const personRefSchema = z
  .object({ user_id: idValue.optional(), anonymous_id: idValue.optional() })
  .superRefine((value, ctx) => {
    if ((value.user_id === undefined) === (value.anonymous_id === undefined))
      ctx.addIssue({ code: "custom", path: ["user_id"], message: "give exactly one of user_id and anonymous_id" });
  });

export type PersonRef = { userId: string } | { anonymousId: string };

export function toPersonRef(value: z.infer<typeof personRefSchema>): PersonRef {
  return value.user_id !== undefined ? { userId: value.user_id } : { anonymousId: value.anonymous_id ?? "" };
}

export const TIMELINE_MAX_LIMIT = 200;

export const personEventSchema = z.object({
  event_id: z.string(),
  name: z.string(),
  timestamp: z.iso.datetime(),
  session_id: z.string().nullable(),
  path: z.string().nullable(),
  title: z.string().nullable(),
  referrer: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
});

export const timelinePageSchema = z.object({
  events: z.array(personEventSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});

export const personSessionSchema = z.object({
  /** The client's session id, or null for a session cut by the 30-minute rule. */
  session_id: z.string().nullable(),
  started_at: z.iso.datetime(),
  ended_at: z.iso.datetime(),
  events: z.number().int().positive(),
  pageviews: z.number().int().nonnegative(),
  entry_path: z.string().nullable(),
  exit_path: z.string().nullable(),
});

export const personProfileSchema = z.object({
  /** The id looked up. */
  person: z.object({ user_id: z.string().nullable(), anonymous_id: z.string().nullable() }),
  /**
   * The ids whose events make this history: an anonymous id later identified as a user is one
   * person with that user (lib/people/identity.ts), whichever of the two was looked up.
   */
  identity: z.object({ user_id: z.string().nullable(), anonymous_ids: z.array(z.string()) }),
  first_seen: z.iso.datetime(),
  last_seen: z.iso.datetime(),
  /** The latest known values over the events read for sessions. */
  device: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  country: z.string().nullable(),
  /** Where their first event came from. */
  first_source: z.object({
    referrer: z.string().nullable(),
    utm_source: z.string().nullable(),
    utm_medium: z.string().nullable(),
    utm_campaign: z.string().nullable(),
    path: z.string().nullable(),
  }),
  /** Newest first, made of their latest events (at most SESSION_EVENTS_LIMIT). */
  sessions: z.array(personSessionSchema),
  /** False when they have more events than were read for sessions: older sessions are left out (the oldest shown may be cut). */
  sessions_complete: z.boolean(),
});

export type PersonEvent = z.infer<typeof personEventSchema>;
export type TimelinePage = z.infer<typeof timelinePageSchema>;
export type PersonSession = z.infer<typeof personSessionSchema>;
export type PersonProfile = z.infer<typeof personProfileSchema>;
