// How the Audit log page words entries: actions, who acted, and each action's details.
import type { AuditAction, AuditActorView, AuditEntryView } from "@/lib/audit/schemas";

export const actionLabels: Record<AuditAction, string> = {
  "organization.created": "Organization created",
  "project.created": "Project created",
  "project.settings_changed": "Project settings changed",
  "member.added": "Member added",
  "member.role_changed": "Member's role changed",
  "member.removed": "Member removed",
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "embed.created": "Embed created",
  "embed.revoked": "Embed revoked",
  "embed.jti_revoked": "Customer-signed embed token revoked",
  "embed_secret.revealed": "Embed secret revealed",
  "embed_secret.rotated": "Embed secret rotated",
  "embed_secret.previous_retired": "Previous embed secret retired",
  "privacy.person_exported": "Person's data exported",
  "privacy.person_deletion_requested": "Person's data deletion requested",
  "privacy.person_deletion_finished": "Person's data deletion finished",
  "privacy.settings_changed": "Privacy settings changed",
  "segment.created": "Segment created",
  "segment.updated": "Segment changed",
  "segment.deleted": "Segment deleted",
  "goal.created": "Goal created",
  "goal.changed": "Goal changed",
  "goal.deleted": "Goal deleted",
};

/** The filter's groups: every action whose name starts with the group's key and a dot. */
export const actionGroups: { key: string; label: string }[] = [
  { key: "member", label: "Members and roles" },
  { key: "api_key", label: "API keys" },
  { key: "embed", label: "Embeds" },
  { key: "embed_secret", label: "Embed secret" },
  { key: "project", label: "Project" },
  { key: "organization", label: "Organization" },
  { key: "privacy", label: "People's data" },
  { key: "segment", label: "Segments" },
  { key: "goal", label: "Goals" },
];

export function actionsOfGroup(key: string): AuditAction[] {
  return (Object.keys(actionLabels) as AuditAction[]).filter((action) => action.startsWith(`${key}.`));
}

export function describeActor(actor: AuditActorView): string {
  if (actor.kind === "user") return actor.email ?? actor.user_id ?? "A former user";
  if (actor.kind === "api_key") return `API key ${actor.key_prefix ?? actor.key_id ?? ""}…`;
  return "Operator (CLI)";
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** One line of what changed or what was made, from the entry's details. */
export function describeDetails(entry: AuditEntryView): string {
  const d = entry.details;
  switch (entry.action) {
    case "project.settings_changed":
    case "privacy.settings_changed":
    case "segment.updated":
      return Object.entries((d.changes ?? {}) as Record<string, { from?: unknown; to?: unknown; changed?: true }>)
        .map(([field, change]) =>
          change.changed ? `${field} changed` : `${field}: ${text(change.from)} → ${text(change.to)}`,
        )
        .join("; ");
    case "member.added":
    case "member.removed":
      return `${text(d.email)} (${text(d.role)})`;
    case "member.role_changed":
      return `${text(d.email)}: ${text(d.from)} → ${text(d.to)}`;
    case "api_key.created":
    case "api_key.revoked":
      return `${text(d.name)} (${text(d.kind)}, ${text(d.prefix)}…)`;
    case "embed_secret.rotated":
      return `previous secret valid until ${text(d.previous_valid_until)}`;
    case "privacy.person_exported":
      return `by ${text(d.id_kind)}; person ${text(entry.target.id)}`;
    case "privacy.person_deletion_requested":
      return `by ${text(d.id_kind)}; person ${text(d.person)}; job ${text(entry.target.id)}`;
    case "privacy.person_deletion_finished":
      return `${text(d.status)}: ${text(d.events_deleted)} events deleted; job ${text(entry.target.id)}`;
    default:
      return Object.entries(d)
        .map(([key, value]) => `${key}: ${text(value)}`)
        .join("; ");
  }
}
