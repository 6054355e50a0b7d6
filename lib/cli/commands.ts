// The operator CLI's commands: each takes parsed flags and returns what to print.
import { createWriteStream } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { OPERATOR } from "../audit/record";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { ensureDemoWorkspace } from "../demo/demo-workspace";
import { openPersonExport, personExportQuerySchema } from "../privacy/export";
import { getInstanceSecret } from "../secrets";
import { roleSchema } from "../workspace/schemas";
import {
  createProject,
  ensureOrganization,
  ensureUserWithRole,
  getOrganizationOrThrow,
  getProjectOrThrow,
} from "../workspace/workspace";
import { progressBar } from "./progress";

type Flags = Record<string, string | boolean | undefined>;

const text = z.string().min(1);
const optionalText = z.string().min(1).optional();
const positiveInt = z.coerce.number().int().positive();
const keyId = z.guid("must be a key's id (a UUID, as create-key printed it)");

export interface CommandResult {
  json: Record<string, unknown>;
  lines: string[];
  /** The command wrote its data to standard output: its summary goes to standard error. */
  summaryToStderr?: boolean;
}

export const commands: Record<string, { usage: string; run: (flags: Flags) => Promise<CommandResult> }> = {
  "create-org": {
    usage: "create-org --name NAME --slug SLUG",
    async run(flags) {
      const org = await ensureOrganization({ name: text.parse(flags.name), slug: text.parse(flags.slug) });
      return { json: { org_id: org.id, slug: org.slug }, lines: [`Organization ${org.slug} (${org.id})`] };
    },
  },
  "create-user": {
    usage: "create-user --email EMAIL --password PASSWORD --org SLUG --role owner|admin|analyst|viewer [--name NAME]",
    async run(flags) {
      const org = await getOrganizationOrThrow(text.parse(flags.org));
      const role = roleSchema.parse(flags.role ?? "viewer");
      const user = await ensureUserWithRole(
        org.id,
        { email: text.parse(flags.email), password: text.parse(flags.password), name: optionalText.parse(flags.name) },
        role,
      );
      return {
        json: { user_id: user.id, email: user.email, org_id: org.id, role },
        lines: [`User ${user.email} is ${role} of ${org.slug}`],
      };
    },
  },
  "create-project": {
    usage: "create-project --org SLUG --name NAME [--timezone Europe/Paris] [--domain example.com]",
    async run(flags) {
      const org = await getOrganizationOrThrow(text.parse(flags.org));
      const project = await createProject(org.id, {
        name: text.parse(flags.name),
        timezone: optionalText.parse(flags.timezone),
        domain: optionalText.parse(flags.domain),
      });
      return {
        json: { project_id: project.id, org_id: org.id, timezone: project.timezone },
        lines: [`Project ${project.name} (${project.id}) in ${org.slug}, time zone ${project.timezone}`],
      };
    },
  },
  "create-key": {
    usage:
      "create-key --kind write|read|admin (--project ID | --org SLUG) [--name NAME] [--origins https://a.com,https://b.com] [--rate-limit N] [--event-rate-limit N]",
    async run(flags) {
      const kind = z.enum(["write", "read", "admin"]).parse(flags.kind);
      const project = flags.project ? await getProjectOrThrow(text.parse(flags.project)) : null;
      const org = project ? { id: project.organizationId } : await getOrganizationOrThrow(text.parse(flags.org));
      const origins =
        optionalText
          .parse(flags.origins)
          ?.split(",")
          .map((o) => o.trim())
          .filter(Boolean) ?? [];
      const rateLimit = flags["rate-limit"] === undefined ? null : positiveInt.parse(flags["rate-limit"]);
      const eventRateLimit =
        flags["event-rate-limit"] === undefined ? null : positiveInt.parse(flags["event-rate-limit"]);
      const key = await createApiKey({
        organizationId: org.id,
        projectId: project?.id ?? null,
        kind,
        name: optionalText.parse(flags.name) ?? `${kind} key`,
        allowedOrigins: origins,
        rateLimit,
        eventRateLimit,
      });
      return {
        json: { key_id: key.id, key: key.key, kind, org_id: org.id, project_id: project?.id ?? null },
        lines: [`Created ${kind} key ${key.id}. This is the only time it is shown:`, key.key],
      };
    },
  },
  "revoke-key": {
    usage: "revoke-key --org SLUG --id KEY_ID",
    async run(flags) {
      const id = keyId.parse(flags.id);
      const org = await getOrganizationOrThrow(text.parse(flags.org));
      await revokeApiKey(org.id, id);
      return { json: { revoked: flags.id }, lines: [`Revoked key ${String(flags.id)}`] };
    },
  },
  "export-person": {
    usage:
      "export-person --project ID (--user-id ID | --anonymous-id ID) [--out FILE]   (NDJSON; standard output without --out)",
    async run(flags) {
      const project = await getProjectOrThrow(text.parse(flags.project));
      const { person } = personExportQuerySchema.parse({
        project_id: project.id,
        user_id: flags["user-id"],
        anonymous_id: flags["anonymous-id"],
      });
      const exported = await openPersonExport({
        organizationId: project.organizationId,
        projectId: project.id,
        person,
        actor: OPERATOR,
      });
      const out = optionalText.parse(flags.out);
      let events = 0;
      const counted = exported.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            for (const byte of chunk) if (byte === 10) events++;
            controller.enqueue(chunk);
          },
        }),
      );
      // Written with backpressure: the next rows are fetched once the file or pipe has taken these.
      const target = out ? createWriteStream(out, { mode: 0o600 }) : nonClosing(process.stdout);
      await pipeline(Readable.fromWeb(counted as import("node:stream/web").ReadableStream<Uint8Array>), target);
      return {
        json: { events, out: out ?? null, file_name: exported.filename },
        lines: [
          `Exported ${events} events of that ${person.kind === "user_id" ? "user" : "anonymous id"}${out ? ` to ${out}` : ""}`,
        ],
        summaryToStderr: !out,
      };
    },
  },
  demo: {
    usage: "demo [--events 200000] [--org demo] [--days 90]",
    async run(flags) {
      const demo = await ensureDemoWorkspace({
        slug: text.parse(flags.org ?? "demo"),
        events: positiveInt.parse(flags.events ?? 200_000),
        days: positiveInt.parse(flags.days ?? 90),
        secret: getInstanceSecret(),
        onProgress: flags.json ? undefined : progressBar("Generating demo events"),
      });
      return {
        json: { ...demo },
        lines: [
          `Demo organization ${demo.org_id}, project ${demo.project_id} (${demo.events_stored.toLocaleString("en-US")} events)`,
          `Sign in:   ${demo.user.email} / ${demo.user.password}`,
          `Write key: ${demo.write_key}`,
          `Read key:  ${demo.read_key}`,
        ],
      };
    },
  },
  migrate: {
    usage: "migrate",
    async run() {
      // The database was already migrated by start-up; this command exists so scripts can ask for only that.
      return { json: { migrated: true }, lines: ["Database is up to date"] };
    },
  },
};

/** Standard output stays open after a pipeline into it (the summary may follow on standard error). */
function nonClosing(stream: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stream.write(chunk, callback);
    },
  });
}
