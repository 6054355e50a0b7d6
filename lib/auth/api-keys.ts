// API keys: 192-bit random secrets, shown once, stored as SHA-256 hashes.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { getPool, getPrisma } from "../db/client";
import type { ApiKeyKind } from "../db/generated/enums";
import { ApiError } from "../errors";

const kindPrefix: Record<ApiKeyKind, string> = { write: "lmw_", read: "lmr_", admin: "lma_" };

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(kind: ApiKeyKind, entropy: Buffer = randomBytes(24)): string {
  return kindPrefix[kind] + entropy.toString("base64url");
}

export interface CreateApiKeyInput {
  organizationId: string;
  projectId?: string | null;
  kind: ApiKeyKind;
  name: string;
  allowedOrigins?: string[];
  rateLimit?: number | null;
  /** Events per second over all the key's requests; null uses LUMEN_INGEST_EVENT_RATE_LIMIT. */
  eventRateLimit?: number | null;
  /** Derive the key from these bytes instead of fresh randomness (the demo workspace, which must be idempotent). */
  entropy?: Buffer;
}

/** Creates a key and returns it in clear text: the only time it is ever available. */
export async function createApiKey(input: CreateApiKeyInput): Promise<{ id: string; key: string; prefix: string }> {
  if (input.kind === "write" && !input.projectId)
    throw new ApiError("invalid_request", "A write key belongs to one project: give a project");
  const key = generateApiKey(input.kind, input.entropy);
  const hash = hashApiKey(key);
  const prefix = key.slice(0, 12);
  const row = await getPrisma().apiKey.upsert({
    where: { hash },
    // Only the demo's derived keys can meet an existing row; a revoked key stays revoked.
    update: {},
    create: {
      organizationId: input.organizationId,
      projectId: input.projectId ?? null,
      kind: input.kind,
      name: input.name,
      prefix,
      hash,
      allowedOrigins: (input.allowedOrigins ?? []).map(normalizeOrigin),
      rateLimit: input.rateLimit ?? null,
      eventRateLimit: input.eventRateLimit ?? null,
    },
  });
  return { id: row.id, key, prefix };
}

export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.host}`.toLowerCase();
}

export async function revokeApiKey(organizationId: string, id: string): Promise<void> {
  const { count } = await getPrisma().apiKey.updateMany({
    where: { id, organizationId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new ApiError("not_found", "No such active key in this organization");
  forgetWriteKey({ id });
}

export interface AuthenticatedKey {
  id: string;
  organizationId: string;
  projectId: string | null;
  kind: ApiKeyKind;
  allowedOrigins: string[];
  rateLimit: number | null;
  eventRateLimit: number | null;
}

/** Resolves a presented key or throws 401; a key of the wrong kind is a 403. */
export async function authenticateApiKey(
  presented: string | null | undefined,
  kind: ApiKeyKind,
): Promise<AuthenticatedKey> {
  return lookUpKey(hashOfPresented(presented), kind);
}

function hashOfPresented(presented: string | null | undefined): string {
  if (!presented) throw new ApiError("unauthorized", `Missing API key: send it as "Authorization: Bearer <key>"`);
  return hashApiKey(presented);
}

async function lookUpKey(hash: string, kind: ApiKeyKind): Promise<AuthenticatedKey> {
  // One indexed lookup through pg, skipping the ORM's per-call overhead.
  const { rows } = await getPool().query<AuthenticatedKey & { revokedAt: Date | null }>(
    `SELECT id, organization_id AS "organizationId", project_id AS "projectId", kind, allowed_origins AS "allowedOrigins", rate_limit AS "rateLimit", event_rate_limit AS "eventRateLimit", revoked_at AS "revokedAt"
     FROM api_keys WHERE hash = $1`,
    [hash],
  );
  const row = rows[0];
  if (!row) throw new ApiError("unauthorized", "Unknown API key");
  if (row.revokedAt) throw new ApiError("unauthorized", "This API key has been revoked");
  if (row.kind !== kind)
    throw new ApiError("forbidden", `This is a ${row.kind} key; this endpoint needs a ${kind} key`);
  const { revokedAt: _revoked, ...key } = row;
  return key;
}

export type WriteKey = AuthenticatedKey & { hash: string };

/**
 * Write keys seen in the last minute, by hash: ingestion skips the lookup (measured: 11% of the
 * server's CPU per 100-event request). Revocation still takes effect on the next request in every
 * process, since the write transaction asserts the key is active (lumen_assert_write_key: a batch
 * with nothing left to store is not re-checked); allowed origins and rate limits follow edits
 * within WRITE_KEY_CACHE_MS.
 */
const WRITE_KEY_CACHE_MS = 60_000;
const WRITE_KEY_CACHE_SIZE = 10_000;
const writeKeys = new Map<string, { key: WriteKey; until: number }>();

export async function authenticateWriteKey(presented: string | null | undefined, now = Date.now()): Promise<WriteKey> {
  const hash = hashOfPresented(presented);
  const cached = writeKeys.get(hash);
  if (cached && cached.until > now) return cached.key;
  const key = { ...(await lookUpKey(hash, "write")), hash };
  if (writeKeys.size >= WRITE_KEY_CACHE_SIZE) writeKeys.clear();
  writeKeys.set(hash, { key, until: now + WRITE_KEY_CACHE_MS });
  return key;
}

/** Drops a write key from this process's cache (its write was refused, or it was revoked here). */
export function forgetWriteKey(match: { hash?: string; id?: string }): void {
  for (const [hash, { key }] of writeKeys) if (hash === match.hash || key.id === match.id) writeKeys.delete(hash);
}

/** Keys with allowed origins only work from those origins (browsers send Origin on cross-site requests). */
export function assertOriginAllowed(key: AuthenticatedKey, origin: string | null): void {
  if (key.allowedOrigins.length === 0) return;
  if (!origin || !key.allowedOrigins.includes(origin.toLowerCase())) {
    throw new ApiError("forbidden", `Origin ${origin ?? "(none)"} is not allowed for this key`);
  }
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}
