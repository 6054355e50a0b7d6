// The visitor id of an event sent without one: hash(daily salt, project, ip, user agent). Kept apart
// from the salt's storage (visitor-hash.ts) so the batch-preparing worker thread loads no database code.
import { createHash } from "node:crypto";

export function visitorHashWithSalt(salt: Uint8Array, projectId: string, ip: string, userAgent: string): string {
  const digest = createHash("sha256")
    .update(salt)
    .update(projectId)
    .update("\0")
    .update(ip)
    .update("\0")
    .update(userAgent)
    .digest("base64url");
  return `v_${digest.slice(0, 22)}`;
}
