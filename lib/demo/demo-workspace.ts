// The demo workspace: an organization, its owner, a project, keys and a realistic event history.
// Idempotent: keys and password derive from the instance secret, events from a fixed seed.
import { createHmac } from "node:crypto";
import { type CreateApiKeyInput, createApiKey, generateApiKey, hashApiKey } from "../auth/api-keys";
import { getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { writeEvents } from "../ingest/write-events";
import { ensureOrganization, ensureProject, ensureUserWithRole } from "../workspace/workspace";
import { generateDemoEvents } from "./generate-events";

export interface DemoWorkspaceOptions {
  slug: string;
  events: number;
  days: number;
  secret: string;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoWorkspace {
  org_id: string;
  project_id: string;
  write_key: string;
  read_key: string;
  user: { email: string; password: string };
  events_stored: number;
}

function derive(secret: string, purpose: string): Buffer {
  return createHmac("sha256", secret).update(`lumen-demo:${purpose}`).digest();
}

/**
 * The demo's key of one kind, derived from the instance secret so that re-running the demo prints
 * the same key. A revoked key stays revoked (someone revoked it for a reason, a leak perhaps): the
 * next derivation in line replaces it.
 */
async function ensureDemoKey(
  key: Omit<CreateApiKeyInput, "entropy">,
  secret: string,
  purpose: string,
): Promise<string> {
  for (let generation = 0; ; generation++) {
    const entropy = derive(secret, generation === 0 ? purpose : `${purpose}:${generation}`).subarray(0, 24);
    const candidate = generateApiKey(key.kind, entropy);
    const stored = await getPrisma().apiKey.findUnique({
      where: { hash: hashApiKey(candidate) },
      select: { revokedAt: true },
    });
    if (!stored) return (await createApiKey({ ...key, entropy })).key;
    if (!stored.revokedAt) return candidate;
  }
}

export async function ensureDemoWorkspace(options: DemoWorkspaceOptions): Promise<DemoWorkspace> {
  const { slug, secret } = options;
  const org = await ensureOrganization({ name: slug === "demo" ? "Demo" : `Demo (${slug})`, slug });
  const email = slug === "demo" ? "demo@lumen.local" : `demo+${slug}@lumen.local`;
  const password = derive(secret, `${slug}:password`).toString("base64url").slice(0, 16);
  await ensureUserWithRole(org.id, { email, password, name: "Demo Owner" }, "owner");
  const project = await ensureProject(org.id, { name: "Demo site", timezone: "UTC", domain: "demo.lumen.local" });
  const writeKey = await ensureDemoKey(
    { organizationId: org.id, projectId: project.id, kind: "write", name: "Demo write key" },
    secret,
    `${slug}:write`,
  );
  const readKey = await ensureDemoKey(
    { organizationId: org.id, projectId: null, kind: "read", name: "Demo read key" },
    secret,
    `${slug}:read`,
  );

  const stored = await getPrisma().event.count({ where: { organizationId: org.id, projectId: project.id } });
  let eventsStored = stored;
  if (stored < options.events) {
    const now = new Date();
    await ensureEventPartitions(getPool(), new Date(now.getTime() - options.days * 86_400_000), now);
    let done = 0;
    for (const chunk of generateDemoEvents({
      seed: `lumen-demo:${slug}`,
      events: options.events,
      days: options.days,
      now,
    })) {
      eventsStored += await writeEvents(getPool(), org.id, project.id, chunk);
      done += chunk.length;
      options.onProgress?.(done, options.events);
    }
  }
  return {
    org_id: org.id,
    project_id: project.id,
    write_key: writeKey,
    read_key: readKey,
    user: { email, password },
    events_stored: eventsStored,
  };
}
