// Embeds: what an admin (or the customer's backend, in a signed token) locks, allows and styles.
import { z } from "zod";
import { DIMENSIONS, filterSchema, rangeSchema, segmentIdSchema, timezoneSchema } from "../query/schemas";
import { storableText } from "../text";

/** Locked parameters: applied on the server on every path, never widened by the viewer. */
export const embedParamsSchema = z.object({
  filters: z.array(filterSchema).max(20).default([]),
  range: rangeSchema.optional(),
  timezone: timezoneSchema.optional(),
  /** Trend widgets also draw the previous period, bucket by bucket (as the app's "Compare to previous period"). */
  compare: z.boolean().optional(),
  /**
   * A saved segment of the project, locked: ANDed with every widget's query (and its own segment),
   * never editable by the viewer. A token naming a missing segment shows no data (a 400), never more.
   */
  segment: segmentIdSchema.optional(),
});

/** What the viewer may change: the date range, and filters on these dimensions. */
export const editableSchema = z
  .array(z.enum(["range", ...DIMENSIONS]))
  .max(20)
  .default([]);

/**
 * What a viewer chose, within what the embed makes editable: a range, and one value per dimension
 * (an equality filter added to the locks). In URLs: lib/embed/choices.ts.
 */
export const viewerChoicesSchema = z.object({
  range: rangeSchema.optional(),
  filters: z
    .partialRecord(z.enum(DIMENSIONS), storableText().min(1).max(500))
    .default({})
    // Each choice is a filter like any other: what a filter on its field refuses ("visitor_type is
    // new or returning"), a choice does too.
    .superRefine((filters, ctx) => {
      for (const [field, value] of Object.entries(filters)) {
        const checked = filterSchema.safeParse({ field, op: "equals", value });
        if (!checked.success)
          ctx.addIssue({ code: "custom", path: [field], message: checked.error.issues[0]?.message ?? "invalid value" });
      }
    }),
});

export const embedThemeSchema = z.object({
  mode: z.enum(["light", "dark", "auto"]).default("auto"),
  accent: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour")
    .optional(),
  font: z
    .string()
    .regex(/^[\w\s,"'-]{1,100}$/, "must be a CSS font-family list")
    .optional(),
  bordered: z.boolean().default(true),
  titled: z.boolean().default(true),
  transparent: z.boolean().default(false),
});

/** Host pages that may frame the embed and talk to it (CSP frame-ancestors and postMessage origins). */
export const allowedOriginsSchema = z.array(z.url({ protocol: /^https?$/ })).max(50);

export const resourceSchema = z.object({ type: z.enum(["report", "widget"]), id: z.guid() });

/** How long an embed Lumen issues lasts when its creator does not say: 30 days. */
export const DEFAULT_ISSUED_LIFETIME_SECONDS = 30 * 86_400;

/** A token's id: the stored token's for Lumen-issued ones, any the customer's backend picks for its own (to revoke one). */
export const jtiSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const createEmbedSchema = z
  .object({
    report_id: z.guid().optional(),
    widget_id: z.guid().optional(),
    params: embedParamsSchema.default({ filters: [] }),
    editable: editableSchema,
    theme: embedThemeSchema.default({ mode: "auto", bordered: true, titled: true, transparent: false }),
    /** Seconds; Lumen-issued tokens are stored and revocable, so they may outlive customer-signed ones. */
    expires_in: z
      .number()
      .int()
      .min(60)
      .max(10 * 365 * 86_400)
      .default(DEFAULT_ISSUED_LIFETIME_SECONDS),
    allowed_origins: allowedOriginsSchema.default([]),
    downloads: z.boolean().default(false),
  })
  .refine((e) => !!e.report_id !== !!e.widget_id, {
    message: "give exactly one of report_id or widget_id",
    path: ["report_id"],
  });

/** Claims of an embed token (Lumen-issued ones add jti = the stored token's id). exp and iat are read by lib/embed/tokens.ts. */
export const embedClaimsSchema = z.object({
  resource: resourceSchema,
  params: embedParamsSchema.default({ filters: [] }),
  editable: editableSchema,
  theme: embedThemeSchema.partial().default({}),
  /** Whether viewers may download widgets' data as CSV (with the same locks). */
  downloads: z.boolean().default(false),
  /** Customer-signed tokens may name their host pages; Lumen-issued ones keep theirs in the database. */
  allowed_origins: allowedOriginsSchema.optional(),
  jti: jtiSchema.optional(),
});

export type EmbedParams = z.infer<typeof embedParamsSchema>;
export type EmbedTheme = z.infer<typeof embedThemeSchema>;
export type EmbedClaims = z.infer<typeof embedClaimsSchema>;
/** Claims as a signer writes them: defaults may be left out. */
export type EmbedClaimsInput = z.input<typeof embedClaimsSchema>;
export type Editable = z.infer<typeof editableSchema>;
export type EditableField = Editable[number];
export type ViewerChoices = z.infer<typeof viewerChoicesSchema>;
