// Password hashing with scrypt (memory-hard), in a self-describing format: scrypt$N$r$p$salt$hash.
// The cost is OWASP's current recommendation (N=2^17, r=8, p=1: 128 MiB and about half a second
// of CPU per hash). A hash stored at any other cost still verifies, and is flagged for re-hashing so
// sign-in upgrades it (see passwordNeedsRehash).
import "server-only";
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const CURRENT_SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
// Past this, a stored hash is not ours: refuse it rather than allocate gigabytes for it.
const MAX_N = 2 ** 20;

// Each hash holds 128·N·r bytes for its whole run on one of libuv's four threads (which file and
// DNS work share). Two at a time bounds memory at 256 MiB and leaves threads free; a burst of
// sign-ins waits its turn instead.
const MAX_CONCURRENT_HASHES = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function scrypt(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Node refuses when 128·N·r·p exceeds maxmem; leave room for its smaller buffers.
  const maxmem = 128 * N * r * p + 16 * 1024 * 1024;
  return withHashSlot(
    () =>
      new Promise((resolve, reject) =>
        scryptCallback(password, salt, KEY_LENGTH, { N, r, p, maxmem }, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash || rest.length > 0) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= MAX_N &&
    (params.N & (params.N - 1)) === 0 &&
    [params.r, params.p].every((v) => Number.isInteger(v) && v >= 1 && v <= 16);
  return valid ? { params, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") } : null;
}

/** Hashes at the current cost; `params` only for tests and migrations that need an older one. */
export async function hashPassword(password: string, params: ScryptParams = CURRENT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await scrypt(password, parsed.salt, parsed.params);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** The cost a stored hash was made with, or null when it is not a hash of ours. */
export function scryptParamsOf(stored: string): ScryptParams | null {
  return parseHash(stored)?.params ?? null;
}

/** True for a hash made at another cost than the current one: sign-in re-hashes it. */
export function passwordNeedsRehash(stored: string): boolean {
  const params = scryptParamsOf(stored);
  return (
    !params ||
    params.N !== CURRENT_SCRYPT_PARAMS.N ||
    params.r !== CURRENT_SCRYPT_PARAMS.r ||
    params.p !== CURRENT_SCRYPT_PARAMS.p
  );
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password nobody knows, at the current cost: verified against when the email
 * is unknown (or the user has no password), so such a sign-in costs what a real one does.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString("base64url")).catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  return dummyHash;
}
