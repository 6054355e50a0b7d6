// A project's privacy settings as the API, the settings page and the CLI exchange them: scrubbing,
// dropped property keys, the consent purge and retention. Importable from client code.
import { z } from "zod";
import { storableText } from "../text";

/** What scrubbing masks (lib/privacy/scrub.ts), and the text it leaves in place. */
export const SCRUB_CLASSES = ["email", "phone", "card", "ip"] as const;
export type ScrubClass = (typeof SCRUB_CLASSES)[number];

export const SCRUB_MASKS: Record<ScrubClass, string> = {
  email: "[email]",
  phone: "[phone]",
  card: "[card]",
  ip: "[ip]",
};

export const MAX_RAW_RETENTION_MONTHS = 120;
export const MAX_AGGREGATE_RETENTION_MONTHS = 240;
export const DEFAULT_RAW_RETENTION_MONTHS = 25;
export const DEFAULT_AGGREGATE_RETENTION_MONTHS = 60;
const MAX_DROPPED_KEYS = 100;

const scrubbingSchema = z.object(
  Object.fromEntries(SCRUB_CLASSES.map((kind) => [kind, z.boolean()])) as Record<ScrubClass, z.ZodBoolean>,
);

const propertyKey = z.string().trim().min(1, "must not be empty").max(200);

export const retentionInputSchema = z.object({
  raw_events_months: z.number().int().min(1).max(MAX_RAW_RETENTION_MONTHS),
  aggregates_months: z.number().int().min(1).max(MAX_AGGREGATE_RETENTION_MONTHS),
});

/** PATCH body: any subset; retention months are checked together once merged with the current ones. */
export const privacyPatchSchema = z
  .object({
    scrubbing: scrubbingSchema.partial(),
    dropped_property_keys: z
      .array(propertyKey)
      .max(MAX_DROPPED_KEYS)
      .transform((keys) => [...new Map(keys.map((key) => [key.toLowerCase(), key])).values()]),
    purge_on_consent_withdrawal: z.boolean(),
    suppress_deleted_persons: z.boolean(),
    retention: retentionInputSchema.partial(),
  })
  .partial()
  .strict();

export type PrivacyPatch = z.infer<typeof privacyPatchSchema>;

export interface PrivacySettings {
  project_id: string;
  /** true: the class is masked before storage. */
  scrubbing: Record<ScrubClass, boolean>;
  dropped_property_keys: string[];
  purge_on_consent_withdrawal: boolean;
  /** Events arriving for a person whose deletion was requested are dropped at ingestion. */
  suppress_deleted_persons: boolean;
  retention: {
    raw_events_months: number;
    aggregates_months: number;
    /** The oldest instant kept under the policy today (the start of a UTC month). */
    raw_events_kept_from: string;
    aggregates_kept_from: string;
  };
}

/** Whose consent trail: exactly one identifier. */
export const personQuerySchema = z.union([
  z.object({ user_id: z.string().min(1).max(200), anonymous_id: z.undefined().optional() }),
  z.object({ anonymous_id: z.string().min(1).max(200), user_id: z.undefined().optional() }),
]);

/** What retention deletes for a project (a dry run counts it; enforcing reports it). */
export interface RetentionCounts {
  raw_events: number;
  /** Where those raw events' properties are (property_events): they go with the events. */
  property_events: number;
  event_keys: number;
  event_rollups: number;
  /** Daily actor bitmaps: per name, per dimension value, per pair of values, and the mixed actors'. */
  daily_bitmaps: number;
  /** Daily counts (event_counts_daily) and the mixed actors' own daily rows (mixed_actor_days). */
  daily_counts: number;
  /** Session fragments and session counts. */
  session_rollups: number;
}

export interface ProjectRetention extends RetentionCounts {
  project_id: string;
  raw_events_before: string;
  aggregates_before: string;
}

/** A tracked person's id as a deletion or export names it. */
const personIdSchema = storableText().trim().min(1, "must not be empty").max(200);

/** POST /api/v1/privacy/deletions: a project and exactly one of the person's ids. */
export const deletionRequestSchema = z
  .object({
    project_id: z.guid(),
    user_id: personIdSchema.optional(),
    anonymous_id: personIdSchema.optional(),
  })
  .strict()
  .refine((body) => (body.user_id === undefined) !== (body.anonymous_id === undefined), {
    message: "give exactly one of user_id and anonymous_id",
    path: ["user_id"],
  });

export type DeletionRequest = z.infer<typeof deletionRequestSchema>;

export const MAX_DELETION_PAGE = 100;

/** GET /api/v1/privacy/deletions: a project's jobs, newest first, a page at a time. */
export const deletionListQuerySchema = z
  .object({
    project_id: z.guid(),
    limit: z.coerce.number().int().min(1).max(MAX_DELETION_PAGE).default(20),
    cursor: z.guid("must be the next_cursor of a previous page").optional(),
  })
  .strict();

export const DELETION_STATUSES = ["pending", "running", "done", "failed"] as const;
export type DeletionStatus = (typeof DELETION_STATUSES)[number];

/** A deletion job as the API shows it: the person only by the kind of id and a pseudonym, never the id. */
export interface DeletionJobView {
  id: string;
  project_id: string;
  id_kind: "user_id" | "anonymous_id" | null;
  /** The person as the audit log names them (p_…); null for jobs queued before pseudonyms were kept. */
  person: string | null;
  reason: "request" | "consent_withdrawn" | string;
  status: DeletionStatus;
  attempts: number;
  events_deleted: number;
  error: string | null;
  requested_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface DeletionJobPage {
  jobs: DeletionJobView[];
  next_cursor: string | null;
}
