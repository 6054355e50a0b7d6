// Webhook signatures: HMAC-SHA256 under the channel's secret over "<timestamp>.<body>", sent as
// X-Lumen-Signature: sha256=<hex> with the timestamp in X-Lumen-Timestamp (so a receiver can refuse
// old replays). Pure node:crypto: receivers written in Node can use verifySignature as it is.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-lumen-signature";
export const TIMESTAMP_HEADER = "x-lumen-timestamp";
export const IDEMPOTENCY_HEADER = "idempotency-key";

export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function verifySignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
