// Roles within an organization, enforced on the server: owner > admin > analyst > viewer.
import "server-only";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import type { Role } from "../workspace/schemas";

const rank: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };

export function hasRole(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

/** The user's role in the organization; someone outside it gets a 404, as if it did not exist. */
export async function getRoleOrThrow(userId: string, organizationId: string): Promise<Role> {
  const membership = await getPrisma().membership.findUnique({
    where: { organizationId_userId: { organizationId, userId } },
    select: { role: true },
  });
  if (!membership) throw new ApiError("not_found", "No such organization");
  return membership.role;
}

export async function assertRole(userId: string, organizationId: string, needed: Role): Promise<Role> {
  const role = await getRoleOrThrow(userId, organizationId);
  if (!hasRole(role, needed))
    throw new ApiError("forbidden", `This needs the ${needed} role or higher; you are ${role}`);
  return role;
}
