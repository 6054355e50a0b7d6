// Password sign-in, as next-auth's credentials provider calls it: throttle, check, record.
import "server-only";
import { z } from "zod";
import { isDatabaseUnavailable } from "../db/client";
import { getEnv } from "../env";
import { ApiError } from "../errors";
import { log } from "../log";
import { clientAddress } from "./client-address";
import { type CredentialsUser, checkCredentials } from "./credentials";
import { beginSignInAttempt, endSignInAttempt } from "./sign-in-throttle";

const credentialsSchema = z.object({
  email: z
    .email()
    .max(320)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(200),
});
const DB_RETRY_AFTER_SECONDS = "5";

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** The user these credentials sign in, null when wrong; throws a 429 ApiError when throttled. */
export async function signInWithPassword(
  raw: unknown,
  headers: Record<string, string | string[] | undefined>,
): Promise<CredentialsUser | null> {
  const typedEmail =
    raw && typeof raw === "object" && "email" in raw && typeof raw.email === "string" ? raw.email.slice(0, 320) : null;
  const gate = await beginSignInAttempt(typedEmail, clientAddress(headers, getEnv().LUMEN_TRUSTED_PROXIES));
  if (!gate.allowed) {
    const who = gate.subject === "account" ? "for this account" : "from your network";
    throw new ApiError(
      "rate_limited",
      `Too many failed sign-in attempts ${who}: try again in ${waitText(gate.retryAfterSeconds)}`,
      undefined,
      {
        "retry-after": String(gate.retryAfterSeconds),
      },
    );
  }
  const parsed = credentialsSchema.safeParse(raw);
  const user = parsed.success ? await checkCredentials(parsed.data.email, parsed.data.password) : null;
  await endSignInAttempt(gate.attempt, user !== null);
  return user;
}

/** The answer for an error thrown during password sign-in: never a database message in a URL. */
export function toSignInRefusal(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error))
    return new ApiError("unavailable", "The database is unavailable; retry shortly", undefined, {
      "retry-after": DB_RETRY_AFTER_SECONDS,
    });
  log.error("sign-in failed", { error: error instanceof Error ? error.stack : String(error) });
  return new ApiError("internal_error", "Something went wrong on our side");
}
