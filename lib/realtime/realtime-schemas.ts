// What the realtime page reads (GET /api/v1/projects/{id}/realtime): shared by the server and the
// browser, which validates the answer before drawing it.
import { z } from "zod";

/** The chart's minutes, the current one included (partly elapsed). */
export const REALTIME_MINUTES = 30;
/** "Active now": visitors with an event in the last 5 minutes, as on the overview. */
export const ACTIVE_WINDOW_MINUTES = 5;
export const CURRENT_PAGES_LIMIT = 10;
export const FEED_LIMIT = 50;

export const realtimeSnapshotSchema = z.object({
  computed_at: z.iso.datetime(),
  /** Distinct visitors (user id, else anonymous id) with an event in the last 5 minutes. */
  active_visitors: z.number().int().nonnegative(),
  /** Each active visitor's page now: the path of their latest event carrying one, counted per path. */
  current_pages: z.array(z.object({ path: z.string(), visitors: z.number().int().positive() })),
  /** Oldest first, one per minute start (UTC), the current minute last. */
  minutes: z.array(
    z.object({
      minute: z.iso.datetime(),
      events: z.number().int().nonnegative(),
      visitors: z.number().int().nonnegative(),
    }),
  ),
  /** The latest events of the 30 minutes, newest first. Who did them only for roles that may see people. */
  feed: z.array(
    z.object({
      event_id: z.string(),
      name: z.string(),
      timestamp: z.iso.datetime(),
      path: z.string().nullable(),
      country: z.string().nullable(),
      device: z.string().nullable(),
      browser: z.string().nullable(),
      person: z.object({ user_id: z.string().nullable(), anonymous_id: z.string().nullable() }).nullable(),
    }),
  ),
});

export type RealtimeSnapshot = z.infer<typeof realtimeSnapshotSchema>;
