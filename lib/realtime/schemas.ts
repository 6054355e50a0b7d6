// What the project stream sends: the analyst overview's realtime numbers. Shared by the server
// and the browser (which validates each event before showing it).
import { z } from "zod";

export const projectLiveSchema = z.object({
  /** Distinct visitors (user id, else anonymous id) with an event in the last 5 minutes. */
  active_visitors: z.number().int().nonnegative(),
  /** Events received in the last 60 seconds. */
  events_last_minute: z.number().int().nonnegative(),
  computed_at: z.iso.datetime(),
  /** Changes whenever events are committed to the project: dashboards refetch their queries then. Opaque. */
  data_version: z.string().min(1).max(100),
});

export type ProjectLive = z.infer<typeof projectLiveSchema>;
