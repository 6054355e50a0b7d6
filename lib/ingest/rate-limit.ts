// Per-key token buckets held in this process, one for requests and one for events: a key may burst
// up to one second's allowance of each. A batch larger than a whole second's events is let through
// when the bucket is full and leaves it in debt, so any batch size works and the average still holds.
// Each app process keeps its own buckets: with several processes behind a balancer a key gets up to
// that many times its limits (a database round trip per request would cost more than it protects).
import { ApiError } from "../errors";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_TRACKED_KEYS = 100_000;

class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes `cost` tokens, or returns how many seconds to wait before this cost would fit. */
  take(keyId: string, perSecond: number, cost: number, now: number): number | null {
    let bucket = this.buckets.get(keyId);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED_KEYS) this.buckets.clear();
      bucket = { tokens: perSecond, updatedAt: now };
      this.buckets.set(keyId, bucket);
    }
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    const needed = Math.min(cost, perSecond);
    if (bucket.tokens < needed) return Math.max(1, Math.ceil((needed - bucket.tokens) / perSecond));
    bucket.tokens -= cost;
    return null;
  }
}

const requestBuckets = new TokenBuckets();
const eventBuckets = new TokenBuckets();

function rateLimited(message: string, retryAfter: number): ApiError {
  return new ApiError("rate_limited", message, undefined, { "retry-after": String(retryAfter) });
}

/** One request of a key; 429 with Retry-After past `perSecond` requests per second. */
export function consumeRateLimit(keyId: string, perSecond: number, now = performance.now()): void {
  const retryAfter = requestBuckets.take(keyId, perSecond, 1, now);
  if (retryAfter !== null)
    throw rateLimited(`Rate limit of ${perSecond} requests per second exceeded for this key`, retryAfter);
}

/** A batch of `events` events of a key; 429 with Retry-After past `perSecond` events per second. */
export function consumeEventBudget(keyId: string, perSecond: number, events: number, now = performance.now()): void {
  const retryAfter = eventBuckets.take(keyId, perSecond, events, now);
  if (retryAfter !== null)
    throw rateLimited(
      `Rate limit of ${perSecond} events per second exceeded for this key: send this batch again after Retry-After`,
      retryAfter,
    );
}
