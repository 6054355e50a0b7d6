// The ingestion API's wire format. Shared by the route, the SDKs and the tracker.
import { z } from "zod";
import { findJsonProblem } from "../text";

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_PROPERTIES_BYTES = 32 * 1024;
const MAX_PROPERTIES_DEPTH = 8;

const shortText = (max: number) => z.string().max(max);
const identifier = z.string().min(1).max(200);

/** The latest instant a JavaScript Date holds (year 275760); past it a Date is invalid. */
const MAX_DATE_MS = 8.64e15;

/** ISO-8601 with a zone offset, or milliseconds since the epoch. */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative().max(MAX_DATE_MS)])
  .transform((v) => new Date(v));

type JsonObject = { [key: string]: z.core.util.JSONType };

// Bodies arrive as parsed JSON, so their values are JSON already: checking the shape, the key
// lengths, the depth and the size is enough (a recursive z.json() cost more than the rest of an
// event's validation together). The depth comes first, walked without recursion, so that nothing
// recursive (JSON.stringify for the size, then for the row) meets a value nested thousands deep.
// Unstorable text is checked per event in prepare-batch.ts, only in bodies that can hold it.
const properties = z
  .custom<JsonObject>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    "must be a JSON object",
  )
  .superRefine((p, ctx) => {
    const tooDeep = findJsonProblem(p, { maxDepth: MAX_PROPERTIES_DEPTH, text: false });
    if (tooDeep) ctx.addIssue({ code: "custom", path: tooDeep.path, message: tooDeep.message });
    else if (Object.keys(p).some((key) => key.length > 200))
      ctx.addIssue({ code: "custom", message: "keys must be at most 200 characters" });
    else if (Buffer.byteLength(JSON.stringify(p)) > MAX_PROPERTIES_BYTES)
      ctx.addIssue({ code: "custom", message: `must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON` });
  });

export const eventContextSchema = z.object({
  page: z
    .object({ url: shortText(2048), path: shortText(1024), title: shortText(512), referrer: shortText(2048) })
    .partial()
    .optional(),
  screen: z
    .object({ width: z.number().int().min(0).max(100_000), height: z.number().int().min(0).max(100_000) })
    .partial()
    .optional(),
  locale: shortText(35).optional(),
  timezone: shortText(64).optional(),
  utm: z
    .object({
      source: shortText(200),
      medium: shortText(200),
      campaign: shortText(200),
      term: shortText(200),
      content: shortText(200),
    })
    .partial()
    .optional(),
  library: z.object({ name: shortText(64), version: shortText(32).optional() }).optional(),
  app: z
    .object({ name: shortText(200), version: shortText(64), build: shortText(64) })
    .partial()
    .optional(),
  os: z
    .object({ name: shortText(64), version: shortText(64) })
    .partial()
    .optional(),
  device: z
    .object({ type: shortText(32), manufacturer: shortText(64), model: shortText(64) })
    .partial()
    .optional(),
  /** The end user's browser, for server-side senders relaying a visitor's event. */
  user_agent: shortText(1024).optional(),
});

/** The name of a consent change: kept in the consent trail (lib/privacy/consent.ts), never among events. */
export const CONSENT_EVENT = "$consent";

export const consentChangeSchema = z.object({
  state: z.enum(["granted", "denied", "pending"]),
  /** What asked: a banner, a settings page... (defaults to the sending library's name, else "api"). */
  source: z.string().trim().min(1).max(64).optional(),
});

export const eventSchema = z.object({
  event_id: z.guid().optional(),
  name: z.string().min(1).max(200),
  timestamp: instant.optional(),
  user_id: identifier.nullish(),
  anonymous_id: identifier.nullish(),
  session_id: identifier.nullish(),
  properties: properties.optional(),
  context: eventContextSchema.optional(),
  /** Only on $consent events: the person's new consent state. */
  consent: consentChangeSchema.optional(),
});

export const batchSchema = z.object({
  api_key: z.string().optional(),
  /** Optional guard: if given, it must be the write key's own project. */
  project_id: z.guid().optional(),
  sent_at: instant.optional(),
  events: z
    .array(z.unknown())
    .min(1, "must hold at least one event")
    .max(MAX_EVENTS_PER_BATCH, `must hold at most ${MAX_EVENTS_PER_BATCH} events`),
});

export type EventInput = z.infer<typeof eventSchema>;
export type EventContext = z.infer<typeof eventContextSchema>;
export type ConsentChange = z.infer<typeof consentChangeSchema>;
export type BatchInput = z.infer<typeof batchSchema>;

export const rejectionSchema = z.object({ index: z.number().int(), code: z.string(), message: z.string() });

export const ingestResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  bots: z.number().int(),
  rejected: z.array(rejectionSchema),
  /** What scrubbing masked (email, phone, card, ip) and the property keys dropped; absent when nothing was. */
  scrubbed: z.partialRecord(z.enum(["email", "phone", "card", "ip", "dropped_keys"]), z.number().int()).optional(),
  /** Events dropped because their person's deletion was requested (the project's suppression); absent when none. */
  suppressed: z.number().int().optional(),
});

export type IngestResponse = z.infer<typeof ingestResponseSchema>;
export type Rejection = z.infer<typeof rejectionSchema>;
