// Throttles password sign-in per account and per client over a sliding window, with the state in
// PostgreSQL so every app process enforces the same limits. An attempt writes its rows before the
// password is checked, then counts: of any number of concurrent attempts, at most the limit get a
// check (a check-then-write would let a burst through together). A refused attempt removes its rows,
// so hammering a locked account does not keep it locked; a success clears the account's failures.
// Subjects are HMACs under the instance secret: no typed email or client address is stored.
import "server-only";
import { createHmac } from "node:crypto";
import { getPrisma } from "../db/client";
import { getInstanceSecret } from "../secrets";

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Failures per account in the window: a few typos, then a pause that makes guessing useless. */
export const ACCOUNT_FAILURE_LIMIT = 5;
/** Failures per client in the window, over any accounts: password spraying from one address. */
export const CLIENT_FAILURE_LIMIT = 20;
// Expired rows removed per attempt, so the table stays the size of one window without a job.
const PURGE_BATCH = 100;

type SubjectKind = "account" | "client";

interface Subject {
  kind: SubjectKind;
  hash: string;
  limit: number;
}

export interface SignInAttempt {
  ids: bigint[];
  account: string | null;
}

export type SignInGate =
  | { allowed: true; attempt: SignInAttempt }
  | { allowed: false; retryAfterSeconds: number; subject: SubjectKind };

function subjectHash(kind: SubjectKind, value: string): string {
  return createHmac("sha256", getInstanceSecret()).update(`lumen-sign-in:${kind}:${value}`).digest("hex");
}

/** Counts this attempt against the account (email as typed, normalised) and the client; refuses past either limit. */
export async function beginSignInAttempt(email: string | null, client: string | null): Promise<SignInGate> {
  const subjects: Subject[] = [];
  const account = email ? subjectHash("account", email.trim().toLowerCase()) : null;
  if (account) subjects.push({ kind: "account", hash: account, limit: ACCOUNT_FAILURE_LIMIT });
  if (client) subjects.push({ kind: "client", hash: subjectHash("client", client), limit: CLIENT_FAILURE_LIMIT });
  if (subjects.length === 0) return { allowed: true, attempt: { ids: [], account: null } };

  const prisma = getPrisma();
  const hashes = subjects.map((s) => s.hash);
  const inserted = await prisma.$queryRaw<{ id: bigint }[]>`
    WITH purged AS (
      DELETE FROM sign_in_failures WHERE id IN (
        SELECT id FROM sign_in_failures WHERE failed_at < now() - make_interval(secs => ${SIGN_IN_WINDOW_SECONDS})
        ORDER BY failed_at LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)
    )
    INSERT INTO sign_in_failures (subject) SELECT unnest(${hashes}::text[]) RETURNING id`;
  const ids = inserted.map((row) => row.id);
  const others = await prisma.$queryRaw<{ subject: string; age: number }[]>`
    SELECT subject, extract(epoch FROM now() - failed_at)::float8 AS age FROM sign_in_failures
    WHERE subject = ANY(${hashes}::text[]) AND failed_at > now() - make_interval(secs => ${SIGN_IN_WINDOW_SECONDS}) AND id <> ALL(${ids}::bigint[])
    ORDER BY failed_at DESC`;

  let refusal: { retryAfterSeconds: number; subject: SubjectKind } | null = null;
  for (const subject of subjects) {
    const ages = others.filter((row) => row.subject === subject.hash).map((row) => row.age);
    if (ages.length < subject.limit) continue;
    // Room for one more once the limit-th most recent failure leaves the window.
    const retryAfterSeconds = Math.max(1, Math.ceil(SIGN_IN_WINDOW_SECONDS - ages[subject.limit - 1]!));
    if (!refusal || retryAfterSeconds > refusal.retryAfterSeconds)
      refusal = { retryAfterSeconds, subject: subject.kind };
  }
  if (refusal) {
    await prisma.$executeRaw`DELETE FROM sign_in_failures WHERE id = ANY(${ids}::bigint[])`;
    return { allowed: false, ...refusal };
  }
  return { allowed: true, attempt: { ids, account } };
}

/** A failed attempt keeps its rows; a successful one removes them and the account's earlier failures. */
export async function endSignInAttempt(attempt: SignInAttempt, succeeded: boolean): Promise<void> {
  if (!succeeded || attempt.ids.length === 0) return;
  await getPrisma().$executeRaw`
    DELETE FROM sign_in_failures WHERE id = ANY(${attempt.ids}::bigint[]) OR subject = ${attempt.account ?? ""}`;
}
