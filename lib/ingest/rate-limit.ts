// Per-key token buckets held in this process: a key may burst up to one second's allowance.
import { ApiError } from "../errors";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const buckets = new Map<string, Bucket>();
const MAX_TRACKED_KEYS = 100_000;

export function consumeRateLimit(keyId: string, perSecond: number, now = performance.now()): void {
  let bucket = buckets.get(keyId);
  if (!bucket) {
    if (buckets.size >= MAX_TRACKED_KEYS) buckets.clear();
    bucket = { tokens: perSecond, updatedAt: now };
    buckets.set(keyId, bucket);
  }
  bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
  bucket.updatedAt = now;
  if (bucket.tokens < 1) {
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    throw new ApiError("rate_limited", `Rate limit of ${perSecond} requests per second exceeded for this key`, undefined, { "retry-after": String(retryAfter) });
  }
  bucket.tokens -= 1;
}
