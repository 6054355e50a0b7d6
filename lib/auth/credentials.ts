// Email + password check for sign-in. Every attempt costs one scrypt verification, whether the email
// belongs to a user with a password or not (unknown emails are verified against a dummy hash), so the
// response time does not tell which emails have accounts. A hash made at an older cost is upgraded
// once the password is known to be right.
import "server-only";
import { getPrisma } from "../db/client";
import { dummyPasswordHash, hashPassword, passwordNeedsRehash, verifyPassword } from "./password";

export interface CredentialsUser {
  id: string;
  email: string;
  name: string | null;
}

type Verify = (password: string, stored: string) => Promise<boolean>;

/** The user these credentials sign in, or null; `verify` is replaceable only so tests can watch it being called. */
export async function checkCredentials(
  email: string,
  password: string,
  verify: Verify = verifyPassword,
): Promise<CredentialsUser | null> {
  const prisma = getPrisma();
  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  const stored = user?.passwordHash ?? (await dummyPasswordHash());
  const matches = await verify(password, stored);
  if (!user?.passwordHash || !matches) return null;
  if (passwordNeedsRehash(user.passwordHash)) {
    // Only if unchanged meanwhile: a password reset in between must not be overwritten.
    await prisma.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash: await hashPassword(password) },
    });
  }
  return { id: user.id, email: user.email, name: user.name };
}
