// Members of an organization and their roles, changed by its owners (or by an operator from the CLI),
// always leaving the organization at least one owner. Each change runs in a transaction that first
// locks the organization's row: changes to one organization's members queue there, and each sees
// the owners the previous ones left, so two owners demoting each other at once leave one of them.
// (FOR NO KEY UPDATE: rows that reference the organization, events included, are still written meanwhile.)
import { z } from "zod";
import { type AuditRecord, OPERATOR, recordAudit, userActor } from "../audit/record";
import { hashPassword } from "../auth/password";
import { assertRole } from "../auth/roles";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { type Role, roleSchema, userInputSchema } from "./schemas";

export const memberInputSchema = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  role: roleSchema,
  /** Needed only when the person has no Lumen user yet (they sign in with it, or with SSO). */
  password: userInputSchema.shape.password.optional(),
});

type MembershipChange = { role: Role } | { remove: true };

/**
 * Gives `memberId` a role in the organization (adding them) or removes them. With `actorId`, that
 * user must be an owner when the change is made (checked under the lock, not before it); without
 * it, the operator (the CLI) makes the change. A real change is recorded in the audit log.
 */
export async function changeMembership(
  organizationId: string,
  memberId: string,
  change: MembershipChange,
  actorId?: string,
): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR NO KEY UPDATE`;
    if (actorId) {
      const actor = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId, userId: actorId } },
        select: { role: true },
      });
      if (!actor) throw new ApiError("not_found", "No such organization");
      if (actor.role !== "owner") throw new ApiError("forbidden", `This needs the owner role; you are ${actor.role}`);
    }
    const key = { organizationId_userId: { organizationId, userId: memberId } };
    const target = await tx.membership.findUnique({ where: key, select: { role: true } });
    if (!target && "remove" in change) throw new ApiError("not_found", "No such member");
    if (target?.role === "owner" && ("remove" in change || change.role !== "owner")) {
      const otherOwners = await tx.membership.count({
        where: { organizationId, role: "owner", NOT: { userId: memberId } },
      });
      if (otherOwners === 0)
        throw new ApiError("forbidden", "An organization keeps at least one owner: make someone else owner first");
    }
    if ("remove" in change) await tx.membership.delete({ where: key });
    else
      await tx.membership.upsert({
        where: key,
        update: { role: change.role },
        create: { organizationId, userId: memberId, role: change.role },
      });
    if (!("remove" in change) && target?.role === change.role) return;
    const { email } = await tx.user.findUniqueOrThrow({ where: { id: memberId }, select: { email: true } });
    await recordAudit(tx, {
      organizationId,
      actor: actorId ? userActor(actorId) : OPERATOR,
      target: { type: "user", id: memberId },
      ...membershipEntry(email, target?.role ?? null, "remove" in change ? null : change.role),
    });
  });
}

/** What the audit log says of a role going from `from` to `to` (null: not a member). */
function membershipEntry(email: string, from: Role | null, to: Role | null): Pick<AuditRecord, "action" | "details"> {
  if (from && to) return { action: "member.role_changed", details: { email, from, to } };
  if (to) return { action: "member.added", details: { email, role: to } };
  return { action: "member.removed", details: { email, role: from } };
}

async function organizationOfProject(projectId: string): Promise<string> {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw new ApiError("not_found", "No such project");
  return project.organizationId;
}

/** Adds someone to the organization (creating their user if needed) or changes their role: owner only. */
export async function upsertMember(actorId: string, projectId: string, input: unknown) {
  const data = memberInputSchema.parse(input);
  const organizationId = await organizationOfProject(projectId);
  // Refused before a user is created or a password hashed; checked again under the lock.
  await assertRole(actorId, organizationId, "owner");
  const prisma = getPrisma();
  let user = await prisma.user.findUnique({ where: { email: data.email } });
  user ??= await prisma.user.create({
    data: { email: data.email, passwordHash: data.password ? await hashPassword(data.password) : null },
  });
  await changeMembership(organizationId, user.id, { role: data.role }, actorId);
  return { userId: user.id, email: user.email, role: data.role };
}

export async function removeMember(actorId: string, projectId: string, memberId: string): Promise<void> {
  await changeMembership(await organizationOfProject(projectId), memberId, { remove: true }, actorId);
}
