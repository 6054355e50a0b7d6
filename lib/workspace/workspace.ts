// Organizations, users, memberships and projects: creation and look-up by what operators type.

import { OPERATOR, recordAudit } from "../audit/record";
import { hashPassword } from "../auth/password";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { isUuid } from "../uuid";
import { changeMembership } from "./members";
import {
  type OrganizationInput,
  organizationInputSchema,
  type ProjectInput,
  projectInputSchema,
  type Role,
  roleSchema,
  type UserInput,
  userInputSchema,
} from "./schemas";

/** Creates the organization (the operator's act, in its audit log), or returns the existing one with that slug. */
export async function ensureOrganization(input: OrganizationInput) {
  const data = organizationInputSchema.parse(input);
  return getPrisma().$transaction(async (tx) => {
    const [created] = await tx.organization.createManyAndReturn({ data, skipDuplicates: true });
    if (!created) return tx.organization.findUniqueOrThrow({ where: { slug: data.slug } });
    await recordAudit(tx, {
      organizationId: created.id,
      actor: OPERATOR,
      action: "organization.created",
      target: { type: "organization", id: created.id },
      details: { name: created.name, slug: created.slug },
    });
    return created;
  });
}

/** Accepts an organization's id or slug. */
export async function getOrganizationOrThrow(idOrSlug: string) {
  const org = await getPrisma().organization.findFirst({
    where: isUuid(idOrSlug) ? { OR: [{ id: idOrSlug }, { slug: idOrSlug }] } : { slug: idOrSlug },
  });
  if (!org) throw new ApiError("not_found", `No organization "${idOrSlug}"`);
  return org;
}

/** Creates the user (or updates the password of an existing one) and gives them a role in the organization (never demoting its last owner). */
export async function ensureUserWithRole(organizationId: string, input: UserInput, role: Role) {
  const data = userInputSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  const user = await getPrisma().user.upsert({
    where: { email: data.email },
    update: { passwordHash, ...(data.name ? { name: data.name } : {}) },
    create: { email: data.email, name: data.name ?? null, passwordHash },
  });
  await changeMembership(organizationId, user.id, { role: roleSchema.parse(role) });
  return user;
}

/** The operator's way (the CLI, scripts): recorded as theirs in the audit log. */
export async function createProject(organizationId: string, input: ProjectInput) {
  const data = projectInputSchema.parse(input);
  return getPrisma().$transaction(async (tx) => {
    const project = await tx.project.create({
      data: { organizationId, name: data.name, timezone: data.timezone, domain: data.domain ?? null },
    });
    await recordAudit(tx, {
      organizationId,
      projectId: project.id,
      actor: OPERATOR,
      action: "project.created",
      target: { type: "project", id: project.id },
      details: { name: project.name, timezone: project.timezone },
    });
    return project;
  });
}

/** Returns the organization's project with that name, creating it if missing. */
export async function ensureProject(organizationId: string, input: ProjectInput) {
  const data = projectInputSchema.parse(input);
  const existing = await getPrisma().project.findFirst({ where: { organizationId, name: data.name } });
  return existing ?? createProject(organizationId, data);
}

export async function getProjectOrThrow(projectId: string) {
  const project = isUuid(projectId) ? await getPrisma().project.findUnique({ where: { id: projectId } }) : null;
  if (!project) throw new ApiError("not_found", `No project "${projectId}"`);
  return project;
}
