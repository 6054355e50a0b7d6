// The signed-in user, in server components and route handlers.
import "server-only";
import { getServerSession } from "next-auth";
import { ApiError } from "../errors";
import { getAuthOptions } from "./options";

export interface SessionUser {
  id: string;
  email: string;
}

export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as { id?: string; email?: string | null } | undefined;
  return user?.id && user.email ? { id: user.id, email: user.email } : null;
}

/** For route handlers that only signed-in people may use. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new ApiError("unauthorized", "Sign in first");
  return user;
}
