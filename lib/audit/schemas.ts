// The audit log's vocabulary and API shapes, importable by the browser (the Audit log page) as well
// as the server. Every action an entry can record is in auditActionSchema: a new kind of action is
// one more name here and one recordAudit call in the transaction that does it (lib/audit/record.ts).
import { z } from "zod";

export const auditActionSchema = z.enum([
  "organization.created",
  "project.created",
  "project.settings_changed",
  "member.added",
  "member.role_changed",
  "member.removed",
  "api_key.created",
  "api_key.revoked",
  "embed.created",
  "embed.revoked",
  /** A token the customer's backend signed, revoked by its jti. */
  "embed.jti_revoked",
  "embed_secret.revealed",
  "embed_secret.rotated",
  "embed_secret.previous_retired",
  /** A tracked person's events exported (lib/privacy/export.ts). */
  "privacy.person_exported",
  /** A tracked person's deletion started (its job id is the target, never the person's id). */
  "privacy.person_deletion_requested",
  /** A person's deletion job ended (done or failed), with how many events it deleted. */
  "privacy.person_deletion_finished",
  /** A project's privacy settings changed: scrubbing, dropped keys, purge, suppression, retention. */
  "privacy.settings_changed",
  /** A saved segment created, changed (name, description, filters) or deleted (lib/segments). */
  "segment.created",
  "segment.updated",
  "segment.deleted",
  /** A project's goals (lib/goals): created, changed (name or definition), deleted. */
  "goal.created",
  "goal.changed",
  "goal.deleted",
]);

export type AuditAction = z.infer<typeof auditActionSchema>;

/** What an entry is about: Lumen's own things, or a tracked person by a pseudonym (never their id). */
export const auditTargetTypeSchema = z.enum([
  "organization",
  "project",
  "user",
  "api_key",
  "embed",
  "embed_jti",
  "embed_secret",
  "person",
  "deletion",
  "segment",
  "goal",
]);

export type AuditTargetType = z.infer<typeof auditTargetTypeSchema>;

export const auditActorKindSchema = z.enum(["user", "api_key", "operator"]);

/** The largest page the API returns; the default is 50. */
export const MAX_AUDIT_PAGE = 200;

/** Opaque to callers: the id of the last entry of the previous page (entries go newest first). */
const cursorSchema = z.string().regex(/^[1-9]\d{0,18}$/, "must be the next_cursor of a previous page");

/**
 * GET /api/v1/audit-log's query: exactly one scope (a whole organization, or one project with the
 * organization-wide entries around it), then optional filters. `action` may be repeated.
 */
export const auditQuerySchema = z
  .object({
    organization_id: z.guid().optional(),
    project_id: z.guid().optional(),
    cursor: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
    action: z.array(auditActionSchema).max(auditActionSchema.options.length).default([]),
    /** A person's user id or an API key's id: only what they did. */
    actor_id: z.guid().optional(),
  })
  .refine((q) => (q.organization_id === undefined) !== (q.project_id === undefined), {
    message: "give exactly one of organization_id and project_id",
    path: ["organization_id"],
  })
  .transform(({ organization_id, project_id, ...rest }) => ({
    ...rest,
    scope: project_id
      ? { kind: "project" as const, id: project_id }
      : { kind: "organization" as const, id: organization_id ?? "" },
  }));

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export interface AuditActorView {
  kind: z.infer<typeof auditActorKindSchema>;
  user_id: string | null;
  email: string | null;
  key_id: string | null;
  key_prefix: string | null;
}

export interface AuditEntryView {
  id: string;
  occurred_at: string;
  organization_id: string;
  project_id: string | null;
  actor: AuditActorView;
  action: AuditAction;
  target: { type: AuditTargetType; id: string | null };
  details: Record<string, unknown>;
  request_id: string | null;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `cursor` for the next (older) page; null when this page is the last. */
  next_cursor: string | null;
}
