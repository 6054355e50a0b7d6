// A fresh user with a role in an organization, signed in over HTTP: for tests that act as them.
import { randomUUID } from "node:crypto";
import type { Role } from "../lib/workspace/schemas";
import { ensureUserWithRole } from "../lib/workspace/workspace";
import { signInOverHttp } from "./session";

export interface SignedInMember {
  userId: string;
  email: string;
  cookie: string;
}

export async function signedInMember(organizationId: string, role: Role): Promise<SignedInMember> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  const user = await ensureUserWithRole(organizationId, { email, password }, role);
  return { userId: user.id, email, cookie: await signInOverHttp(email, password) };
}
