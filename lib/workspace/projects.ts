// Projects as people manage them in the app: listed per organization, created by an owner or admin
// of the organization, and checked for installation (has any event arrived, and when). Only the
// columns pages show: never the embed secret (lib/embed/signing-secret.ts).
import "server-only";
import { z } from "zod";
import { assertRole, getRoleOrThrow } from "../auth/roles";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { projectInputSchema } from "./schemas";

const projectColumns = { id: true, organizationId: true, name: true, timezone: true, domain: true, createdAt: true };

export const newProjectSchema = projectInputSchema.extend({
  /** Which organization the project belongs to; may be left out by someone in exactly one. */
  organization_id: z.guid().optional(),
});

/** The organization a new project goes to: the one named, or the user's only one. */
async function targetOrganization(userId: string, organizationId: string | undefined): Promise<string> {
  if (organizationId) return organizationId;
  const memberships = await getPrisma().membership.findMany({ where: { userId }, select: { organizationId: true } });
  if (memberships.length === 1) return memberships[0]!.organizationId;
  if (memberships.length === 0) throw new ApiError("forbidden", "You are not a member of any organization");
  throw new ApiError("invalid_request", "organization_id: required, since you belong to several organizations", [
    { path: "organization_id", message: "Required: you belong to several organizations" },
  ]);
}

/**
 * Creates a project in an organization where the user is an owner or admin (404 for an organization
 * they are not in, 403 below admin). Names are unique per organization, case aside, so the project
 * switcher never lists two alike: the organization's row is locked while the name is checked.
 */
export async function createProjectForUser(userId: string, input: unknown) {
  const data = newProjectSchema.parse(input);
  const organizationId = await targetOrganization(userId, data.organization_id);
  await assertRole(userId, organizationId, "admin");
  return getPrisma().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR NO KEY UPDATE`;
    const taken = await tx.project.findFirst({
      where: { organizationId, name: { equals: data.name, mode: "insensitive" } },
      select: { id: true },
    });
    if (taken)
      throw new ApiError("conflict", `A project named "${data.name}" already exists in this organization`, [
        { path: "name", message: "Another project of this organization has this name" },
      ]);
    return tx.project.create({
      data: { organizationId, name: data.name, timezone: data.timezone, domain: data.domain || null },
      select: projectColumns,
    });
  });
}

export interface InstallationStatus {
  /** Whether the project has stored any event. */
  received: boolean;
  /** The most recent event (by its time), when there is one. */
  last_event: { name: string; timestamp: string; received_at: string } | null;
}

/** Has the project received an event, and when: for any member, from the events' primary key (one index probe per month). */
export async function getInstallationStatus(userId: string, projectId: string): Promise<InstallationStatus> {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw new ApiError("not_found", "No such project");
  await getRoleOrThrow(userId, project.organizationId).catch(() => {
    throw new ApiError("not_found", "No such project");
  });
  const last = await getPrisma().event.findFirst({
    where: { organizationId: project.organizationId, projectId },
    orderBy: { timestamp: "desc" },
    select: { name: true, timestamp: true, receivedAt: true },
  });
  return {
    received: last !== null,
    last_event: last && {
      name: last.name,
      timestamp: last.timestamp.toISOString(),
      received_at: last.receivedAt.toISOString(),
    },
  };
}
