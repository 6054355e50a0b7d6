// A fresh user with a role in an organization, signed in over HTTP: for tests that act as them.
// Made with createMember, whose password hash is computed once per test process: a hash at the
// production cost takes seconds of CPU on a loaded machine, and the sign-in costs one more.
import type { Role } from "../lib/workspace/schemas";
import { createMember } from "./fixtures";
import { signInOverHttp } from "./session";

export interface SignedInMember {
  userId: string;
  email: string;
  cookie: string;
}

export async function signedInMember(organizationId: string, role: Role): Promise<SignedInMember> {
  const { id, email, password } = await createMember(organizationId, role);
  return { userId: id, email, cookie: await signInOverHttp(email, password) };
}
