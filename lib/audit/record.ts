// Recording an audit entry: one call inside the transaction that does the action, so the entry
// commits with the action or neither happens:
//
//   await getPrisma().$transaction(async (tx) => {
//     …the action's writes…
//     await recordAudit(tx, { organizationId, projectId, actor, action: "api_key.revoked", target: { type: "api_key", id } });
//   });
//
// A read that must not happen unrecorded (revealing the embed secret, exporting a person's events)
// records in the transaction that reads, or commits its entry before the data leaves.
// The actor's email (a person) or prefix (a key) is copied from their row in the same statement, so
// an entry keeps naming them after they are gone. The request id comes from the request context.
import "server-only";
import { currentRequestId } from "../api/request-context";
import type { AdminPrincipal } from "../auth/admin-access";
import type { Prisma } from "../db/generated/client";
import { type AuditAction, type AuditTargetType, auditActionSchema, auditTargetTypeSchema } from "./schemas";

export type AuditActor = { kind: "user"; userId: string } | { kind: "api_key"; keyId: string } | { kind: "operator" };

/** The operator: the CLI or a script on the server, acting outside any request. */
export const OPERATOR: AuditActor = { kind: "operator" };

export function userActor(userId: string): AuditActor {
  return { kind: "user", userId };
}

export function actorOfAdmin(admin: AdminPrincipal): AuditActor {
  return "key" in admin ? { kind: "api_key", keyId: admin.key.id } : userActor(admin.userId);
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditRecord {
  organizationId: string;
  /** The project concerned; omitted for organization-wide actions (members, organization keys). */
  projectId?: string | null;
  actor: AuditActor;
  action: AuditAction;
  target: { type: AuditTargetType; id?: string | null };
  /** A few facts about the action: names, roles, changed settings. Never secrets or event data. */
  details?: Record<string, JsonValue>;
}

/** An entry is a line in a table, not a document: details past this are a bug in the caller. */
const MAX_DETAILS_BYTES = 4096;

/** The transaction the action runs in (Prisma's interactive transaction client). */
export type AuditWriter = Pick<Prisma.TransactionClient, "$executeRaw">;

export async function recordAudit(tx: AuditWriter, record: AuditRecord): Promise<void> {
  const action = auditActionSchema.parse(record.action);
  const targetType = auditTargetTypeSchema.parse(record.target.type);
  const details = JSON.stringify(record.details ?? {});
  if (Buffer.byteLength(details) > MAX_DETAILS_BYTES)
    throw new Error(`Audit details of ${action} are over ${MAX_DETAILS_BYTES} bytes`);
  const { actor } = record;
  const userId = actor.kind === "user" ? actor.userId : null;
  const keyId = actor.kind === "api_key" ? actor.keyId : null;
  await tx.$executeRaw`
    INSERT INTO audit_log (organization_id, project_id, actor_kind, actor_user_id, actor_email, actor_key_id,
                           actor_key_prefix, action, target_type, target_id, details, request_id)
    VALUES (${record.organizationId}::uuid, ${record.projectId ?? null}::uuid, ${actor.kind}::"AuditActorKind",
            ${userId}::uuid, (SELECT email FROM users WHERE id = ${userId}::uuid),
            ${keyId}::uuid, (SELECT prefix FROM api_keys WHERE id = ${keyId}::uuid),
            ${action}, ${targetType}, ${record.target.id ?? null}, ${details}::jsonb, ${currentRequestId()})`;
}

export type SettingsChanges = Record<string, { from: JsonValue; to: JsonValue } | { changed: true }>;

/**
 * The fields that differ between two versions of a settings row, old → new; a field marked
 * "secret" is named without its values. Empty when nothing changed (then record nothing).
 */
export function settingsChanges<T extends Record<string, JsonValue>>(
  before: T,
  after: T,
  fields: { [K in keyof T]?: "value" | "secret" },
): SettingsChanges {
  const changes: SettingsChanges = {};
  for (const [field, kind] of Object.entries(fields)) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    changes[field] = kind === "secret" ? { changed: true } : { from: before[field] ?? null, to: after[field] ?? null };
  }
  return changes;
}
