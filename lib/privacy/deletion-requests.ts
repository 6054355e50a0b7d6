// Deletion requests (GDPR art. 17) for a project's owners and admins, its organization's admin keys
// and the operator CLI: a request queues a job (deletion-jobs.ts) that deletes the person's events
// and their traces in everything derived, and shows where it is. A request for a person who already
// has a job waiting answers that job rather than queueing another.
//
// The person's id enters the job only until it is done; the job and the audit log name them by
// pseudonym, the suppression list (suppression.ts) by a keyed hash of its own. Every request puts the person on the suppression
// list, which ingestion consults while the project's setting is on, so turning it on later also
// keeps out those deleted before.
import "server-only";
import { type PersonIdKind, personPseudonym } from "../audit/person-pseudonym";
import { type AuditActor, actorOfAdmin, recordAudit } from "../audit/record";
import { type AdminPrincipal, assertAdminOfProject, projectForAdmin } from "../auth/admin-access";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { isUuid } from "../uuid";
import { runDeletionJobsSoon } from "./deletion-jobs";
import {
  type DeletionJobPage,
  type DeletionJobView,
  type DeletionStatus,
  deletionListQuerySchema,
  deletionRequestSchema,
} from "./schemas";
import { noteSuppression, suppressionHash } from "./suppression";

const jobColumns = {
  id: true,
  organizationId: true,
  projectId: true,
  idKind: true,
  personPseudonym: true,
  reason: true,
  status: true,
  attempts: true,
  eventsDeleted: true,
  error: true,
  requestedAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

interface JobRow {
  id: string;
  projectId: string;
  idKind: string | null;
  personPseudonym: string | null;
  reason: string;
  status: DeletionStatus;
  attempts: number;
  eventsDeleted: bigint;
  error: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

function viewOf(row: JobRow): DeletionJobView {
  return {
    id: row.id,
    project_id: row.projectId,
    id_kind: row.idKind === "user_id" || row.idKind === "anonymous_id" ? row.idKind : null,
    person: row.personPseudonym,
    reason: row.reason,
    status: row.status,
    attempts: row.attempts,
    events_deleted: Number(row.eventsDeleted),
    error: row.error,
    requested_at: row.requestedAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

export interface QueuedDeletion {
  job: DeletionJobView;
  /** false: the person already had a job waiting, which is answered instead. */
  created: boolean;
}

/**
 * Queues the deletion of one person's events (no authorisation of its own: the API below and the
 * CLI decide who may), records the request in the audit log and puts the person on the suppression
 * list, all in one transaction. `startNow` runs it in this process at once (an app server; the CLI
 * runs it itself with --wait, or leaves it to the app servers' schedule).
 */
export async function queuePersonDeletion(
  tenant: { organizationId: string; projectId: string },
  person: { kind: PersonIdKind; id: string },
  actor: AuditActor,
  { startNow }: { startNow: boolean },
): Promise<QueuedDeletion> {
  const { organizationId, projectId } = tenant;
  const pseudonym = personPseudonym(projectId, person.kind, person.id);
  const personHash = suppressionHash(projectId, person.kind, person.id);
  const queued = await getPrisma().$transaction(async (tx) => {
    // Two requests for one person at once: the second waits here and then finds the first's job.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`person deletion ${projectId} ${pseudonym}`}, 0))`;
    const waiting = await tx.personDeletion.findFirst({
      where: { projectId, personPseudonym: pseudonym, status: "pending" },
      orderBy: { requestedAt: "desc" },
      select: jobColumns,
    });
    if (waiting) return { job: viewOf(waiting), created: false };
    const job = await tx.personDeletion.create({
      data: {
        organizationId,
        projectId,
        userId: person.kind === "user_id" ? person.id : null,
        anonymousId: person.kind === "anonymous_id" ? person.id : null,
        idKind: person.kind,
        personPseudonym: pseudonym,
        reason: "request",
      },
      select: jobColumns,
    });
    await tx.$executeRaw`
      INSERT INTO person_suppressions (organization_id, project_id, person_hash)
      VALUES (${organizationId}::uuid, ${projectId}::uuid, ${personHash}) ON CONFLICT DO NOTHING`;
    await recordAudit(tx, {
      organizationId,
      projectId,
      actor,
      action: "privacy.person_deletion_requested",
      target: { type: "deletion", id: job.id },
      details: { id_kind: person.kind, person: pseudonym, reason: "request" },
    });
    return { job: viewOf(job), created: true };
  });
  noteSuppression(projectId, personHash);
  if (queued.created && startNow) runDeletionJobsSoon();
  return queued;
}

/** POST /api/v1/privacy/deletions. */
export async function requestPersonDeletion(admin: AdminPrincipal, input: unknown): Promise<QueuedDeletion> {
  const request = deletionRequestSchema.parse(input);
  const project = await projectForAdmin(admin, request.project_id);
  const person =
    request.user_id !== undefined
      ? { kind: "user_id" as const, id: request.user_id }
      : { kind: "anonymous_id" as const, id: request.anonymous_id ?? "" };
  return queuePersonDeletion(
    { organizationId: project.organizationId, projectId: project.id },
    person,
    actorOfAdmin(admin),
    {
      startNow: true,
    },
  );
}

/** One job, for whoever may administer its project (anyone else: 404, as if it did not exist); null: the operator CLI. */
export async function getDeletionJob(admin: AdminPrincipal | null, id: string): Promise<DeletionJobView> {
  const missing = new ApiError("not_found", "No such deletion");
  if (!isUuid(id)) throw missing;
  const row = await getPrisma().personDeletion.findUnique({ where: { id }, select: jobColumns });
  if (!row) throw missing;
  if (admin) await assertAdminOfProject(admin, { id: row.projectId, organizationId: row.organizationId }, missing);
  return viewOf(row);
}

/** A project's jobs, newest first; `cursor` is the previous page's next_cursor (the last job's id). null admin: the operator CLI. */
export async function listDeletionJobs(admin: AdminPrincipal | null, input: unknown): Promise<DeletionJobPage> {
  const query = deletionListQuerySchema.parse(input);
  const projectId = admin ? (await projectForAdmin(admin, query.project_id)).id : query.project_id;
  const prisma = getPrisma();
  let after: { requestedAt: Date; id: string } | undefined;
  if (query.cursor) {
    const last = await prisma.personDeletion.findUnique({
      where: { id: query.cursor },
      select: { projectId: true, requestedAt: true, id: true },
    });
    if (!last || last.projectId !== projectId)
      throw new ApiError("invalid_request", "cursor: must be the next_cursor of a previous page", [
        { path: "cursor", message: "must be the next_cursor of a previous page of this project" },
      ]);
    after = last;
  }
  const rows = await prisma.personDeletion.findMany({
    where: {
      projectId,
      ...(after
        ? {
            OR: [{ requestedAt: { lt: after.requestedAt } }, { requestedAt: after.requestedAt, id: { lt: after.id } }],
          }
        : {}),
    },
    orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: jobColumns,
  });
  const page = rows.slice(0, query.limit);
  return { jobs: page.map(viewOf), next_cursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}
