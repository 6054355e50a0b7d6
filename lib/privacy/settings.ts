// A project's privacy settings: which scrubbing classes are on, the property keys never stored, the
// consent purge and the retention months. Read and changed by owners and admins (signed in) or an
// admin API key of the organization, like the embed secret (lib/embed/embed-admin.ts). Ingestion
// reads them through a per-process cache: an edit applies at once in the process that saved it and
// within a minute in the others (as write keys' origins and limits do).
import "server-only";
import { type AuditActor, actorOfAdmin, OPERATOR, recordAudit, type SettingsChanges } from "../audit/record";
import { type AdminPrincipal, projectForAdmin } from "../auth/admin-access";
import { getPool, getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { planRetention } from "./retention";
import { retentionHorizons } from "./retention-policy";
import { type PrivacySettings, type ProjectRetention, privacyPatchSchema } from "./schemas";
import { SCRUB_CLASSES, type ScrubClass, type ScrubPolicy } from "./scrub";

const privacyColumns = {
  id: true,
  organizationId: true,
  scrubbingDisabled: true,
  droppedPropertyKeys: true,
  purgeOnConsentWithdrawal: true,
  suppressDeletedPersons: true,
  rawRetentionMonths: true,
  aggregateRetentionMonths: true,
} as const;

interface PrivacyRow {
  id: string;
  organizationId: string;
  scrubbingDisabled: string[];
  droppedPropertyKeys: string[];
  purgeOnConsentWithdrawal: boolean;
  suppressDeletedPersons: boolean;
  rawRetentionMonths: number;
  aggregateRetentionMonths: number;
}

function settingsOf(row: PrivacyRow, now = new Date()): PrivacySettings {
  const disabled = new Set(row.scrubbingDisabled);
  const horizons = retentionHorizons(row, now);
  return {
    project_id: row.id,
    scrubbing: Object.fromEntries(SCRUB_CLASSES.map((kind) => [kind, !disabled.has(kind)])) as Record<
      ScrubClass,
      boolean
    >,
    dropped_property_keys: row.droppedPropertyKeys,
    purge_on_consent_withdrawal: row.purgeOnConsentWithdrawal,
    suppress_deleted_persons: row.suppressDeletedPersons,
    retention: {
      raw_events_months: row.rawRetentionMonths,
      aggregates_months: row.aggregateRetentionMonths,
      raw_events_kept_from: horizons.raw.toISOString(),
      aggregates_kept_from: horizons.aggregates.toISOString(),
    },
  };
}

export async function getPrivacySettings(admin: AdminPrincipal, projectId: string): Promise<PrivacySettings> {
  const project = await projectForAdmin(admin, projectId);
  return settingsOf(await getPrisma().project.findUniqueOrThrow({ where: { id: project.id }, select: privacyColumns }));
}

export async function updatePrivacySettings(
  admin: AdminPrincipal,
  projectId: string,
  input: unknown,
): Promise<PrivacySettings> {
  const patch = privacyPatchSchema.parse(input);
  const project = await projectForAdmin(admin, projectId);
  return applyPrivacyPatch(project.id, patch, actorOfAdmin(admin));
}

/** Lists longer than this are recorded in the audit log by their sizes (an entry's details are bounded). */
const MAX_AUDITED_LIST_CHARS = 1500;

/** What the audit log records of a change: each changed setting, old → new. */
function privacyChanges(before: PrivacyRow, after: PrivacyRow): SettingsChanges {
  const flat = (row: PrivacyRow) => {
    const settings = settingsOf(row);
    return {
      ...Object.fromEntries(SCRUB_CLASSES.map((kind) => [`scrubbing.${kind}`, settings.scrubbing[kind]])),
      dropped_property_keys: settings.dropped_property_keys,
      purge_on_consent_withdrawal: settings.purge_on_consent_withdrawal,
      suppress_deleted_persons: settings.suppress_deleted_persons,
      "retention.raw_events_months": settings.retention.raw_events_months,
      "retention.aggregates_months": settings.retention.aggregates_months,
    } as Record<string, boolean | number | string[]>;
  };
  const [from, to] = [flat(before), flat(after)];
  const changes: SettingsChanges = {};
  for (const field of Object.keys(from)) {
    const [old, now] = [from[field]!, to[field]!];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    const long = Array.isArray(old) && Array.isArray(now) && JSON.stringify([old, now]).length > MAX_AUDITED_LIST_CHARS;
    changes[field] = long
      ? { from: `${(old as string[]).length} keys`, to: `${(now as string[]).length} keys` }
      : { from: old, to: now };
  }
  return changes;
}

/**
 * Changes the settings with no authorisation of its own: for callers that did it (the API above) or
 * need none (the operator CLI). Recorded in the audit log in the same transaction, when anything changed.
 */
export async function applyPrivacyPatch(
  projectId: string,
  input: unknown,
  actor: AuditActor = OPERATOR,
): Promise<PrivacySettings> {
  const patch = privacyPatchSchema.parse(input);
  const project = { id: projectId };
  const prisma = getPrisma();
  const updated = await prisma.$transaction(async (tx) => {
    const current = await tx.project.findUnique({ where: { id: project.id }, select: privacyColumns });
    if (!current) throw new ApiError("not_found", "No such project");
    const raw = patch.retention?.raw_events_months ?? current.rawRetentionMonths;
    const aggregates = patch.retention?.aggregates_months ?? current.aggregateRetentionMonths;
    // Aggregates are derived from raw events: keeping them for less time than the events is a mistake.
    if (aggregates < raw)
      throw new ApiError("invalid_request", "retention.aggregates_months: must be at least raw_events_months", [
        { path: "retention.aggregates_months", message: `must be at least raw_events_months (${raw})` },
      ]);
    let scrubbingDisabled = current.scrubbingDisabled;
    if (patch.scrubbing) {
      const wanted = { ...settingsOf(current).scrubbing, ...patch.scrubbing };
      scrubbingDisabled = SCRUB_CLASSES.filter((kind) => !wanted[kind]);
    }
    const updated = await tx.project.update({
      where: { id: project.id },
      data: {
        scrubbingDisabled,
        droppedPropertyKeys: patch.dropped_property_keys,
        purgeOnConsentWithdrawal: patch.purge_on_consent_withdrawal,
        suppressDeletedPersons: patch.suppress_deleted_persons,
        rawRetentionMonths: raw,
        aggregateRetentionMonths: aggregates,
      },
      select: privacyColumns,
    });
    const changes = privacyChanges(current, updated);
    if (Object.keys(changes).length > 0)
      await recordAudit(tx, {
        organizationId: current.organizationId,
        projectId: project.id,
        actor,
        action: "privacy.settings_changed",
        target: { type: "project", id: project.id },
        details: { changes },
      });
    return updated;
  });
  ingestCache.delete(project.id);
  return settingsOf(updated);
}

/** The dry run for one project: what enforcing its retention now would delete. */
export async function previewRetention(
  admin: AdminPrincipal,
  projectId: string,
): Promise<{ now: string; project: ProjectRetention }> {
  const project = await projectForAdmin(admin, projectId);
  const plan = await planRetention(getPool(), { projectId: project.id });
  return { now: plan.now, project: plan.projects[0]! };
}

/** What ingestion applies to a project's events. */
export interface IngestPrivacy {
  scrub: ScrubPolicy;
  purgeOnConsentWithdrawal: boolean;
  suppressDeletedPersons: boolean;
}

const INGEST_CACHE_MS = 60_000;
const INGEST_CACHE_SIZE = 10_000;
const ingestCache = new Map<string, { privacy: IngestPrivacy; until: number }>();

/** The project's scrubbing and consent purge, cached for a minute per process. */
export async function ingestPrivacyOf(projectId: string, now = Date.now()): Promise<IngestPrivacy> {
  const cached = ingestCache.get(projectId);
  if (cached && cached.until > now) return cached.privacy;
  const row = await getPrisma().project.findUnique({ where: { id: projectId }, select: privacyColumns });
  if (!row) throw new ApiError("not_found", "No such project");
  const disabled = new Set(row.scrubbingDisabled);
  const privacy: IngestPrivacy = {
    scrub: { classes: SCRUB_CLASSES.filter((kind) => !disabled.has(kind)), droppedKeys: row.droppedPropertyKeys },
    purgeOnConsentWithdrawal: row.purgeOnConsentWithdrawal,
    suppressDeletedPersons: row.suppressDeletedPersons,
  };
  if (ingestCache.size >= INGEST_CACHE_SIZE) ingestCache.clear();
  ingestCache.set(projectId, { privacy, until: now + INGEST_CACHE_MS });
  return privacy;
}
