// How the audit log refers to a tracked person (someone in the events, not a Lumen user): by a
// keyed hash of their id, never the id itself, so the log holds no event data. The key derives from
// the instance secret: whoever runs the instance can answer "was this person's data exported, and
// when?" by hashing the id again (lumen-side tooling, not the log's readers), while the log alone
// links to no one. Per project and per kind of id, so one person's entries in two projects differ.
import "server-only";
import { createHmac } from "node:crypto";
import { getInstanceSecret } from "../secrets";

export type PersonIdKind = "user_id" | "anonymous_id";

// Derived once per process rather than for every pseudonym.
let derivedKey: Buffer | undefined;

export function personPseudonym(projectId: string, kind: PersonIdKind, id: string): string {
  derivedKey ??= createHmac("sha256", getInstanceSecret()).update("lumen audit person pseudonym").digest();
  const digest = createHmac("sha256", derivedKey).update(`${projectId}\0${kind}\0${id}`).digest("base64url");
  return `p_${digest.slice(0, 22)}`;
}
