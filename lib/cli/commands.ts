// The operator CLI's commands: each takes parsed flags and returns what to print.
import { createWriteStream } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { OPERATOR } from "../audit/record";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { getPool } from "../db/client";
import { ensureDemoWorkspace } from "../demo/demo-workspace";
import { runDeletionJob } from "../privacy/deletion-jobs";
import { getDeletionJob, listDeletionJobs, queuePersonDeletion } from "../privacy/deletion-requests";
import { openPersonExport, personExportQuerySchema } from "../privacy/export";
import { enforceRetention, planRetention } from "../privacy/retention";
import { type DeletionJobView, deletionRequestSchema, type ProjectRetention } from "../privacy/schemas";
import { applyPrivacyPatch } from "../privacy/settings";
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

export interface Command {
  usage: string;
  /** `args`: the words after the command's name (a subcommand). */
  run: (flags: Flags, args?: string[]) => Promise<CommandResult>;
}

export const commands: Record<string, Command> = {
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
  retention: {
    usage:
      "retention [--dry-run] [--project ID]   (enforces every project's retention now; --dry-run shows what would go)",
    async run(flags) {
      const projectId = flags.project === undefined ? undefined : z.guid("must be a project id").parse(flags.project);
      if (flags["dry-run"] || projectId) {
        if (!flags["dry-run"]) throw new Error("--project only narrows a --dry-run: enforcing covers every project");
        const plan = await planRetention(getPool(), { projectId });
        return {
          json: { dry_run: true, ...plan },
          lines: [
            `Dry run at ${plan.now}: nothing is deleted.`,
            ...plan.partitions.map((p) => `Would drop partition ${p.name} (${p.from.slice(0, 7)})`),
            ...plan.projects.map((p) => describeRetention(p, "would delete")),
            ...(plan.partitions.length + plan.projects.length === 0 ? ["Nothing is past retention."] : []),
          ],
        };
      }
      const report = await enforceRetention(getPool());
      if (!report) throw new Error("Another process is enforcing retention right now; try again shortly");
      return {
        json: { dry_run: false, ...report },
        lines: [
          `Enforced retention at ${report.now}.`,
          ...report.partitions_dropped.map((name) => `Dropped partition ${name}`),
          ...report.projects.map((p) => describeRetention(p, "deleted")),
        ],
      };
    },
  },
  "set-retention": {
    usage: "set-retention --project ID [--raw-months N] [--aggregate-months N]",
    async run(flags) {
      const projectId = z.guid("must be a project id").parse(flags.project);
      const retention = {
        raw_events_months: flags["raw-months"] === undefined ? undefined : positiveInt.parse(flags["raw-months"]),
        aggregates_months:
          flags["aggregate-months"] === undefined ? undefined : positiveInt.parse(flags["aggregate-months"]),
      };
      const settings = await applyPrivacyPatch(projectId, { retention });
      const { raw_events_months, aggregates_months, raw_events_kept_from, aggregates_kept_from } = settings.retention;
      return {
        json: { project_id: projectId, ...settings.retention },
        lines: [
          `Raw events: ${raw_events_months} months (kept from ${raw_events_kept_from.slice(0, 10)})`,
          `Aggregates: ${aggregates_months} months (kept from ${aggregates_kept_from.slice(0, 10)})`,
        ],
      };
    },
  },
  privacy: {
    usage: [
      "privacy delete --project ID (--user-id ID | --anonymous-id ID) [--wait]   (queues the deletion of a person's events; --wait runs it and waits for the end)",
      "  privacy deletions --project ID [--limit N]   (the project's deletion jobs, newest first)",
    ].join("\n"),
    async run(flags, [sub] = []) {
      const project = await getProjectOrThrow(text.parse(flags.project));
      if (sub === "delete") {
        const request = deletionRequestSchema.parse({
          project_id: project.id,
          user_id: flags["user-id"],
          anonymous_id: flags["anonymous-id"],
        });
        const person =
          request.user_id !== undefined
            ? { kind: "user_id" as const, id: request.user_id }
            : { kind: "anonymous_id" as const, id: request.anonymous_id ?? "" };
        // Without --wait the app servers' schedule runs it (within half a minute): this process ends now.
        const { job, created } = await queuePersonDeletion(
          { organizationId: project.organizationId, projectId: project.id },
          person,
          OPERATOR,
          { startNow: false },
        );
        if (!flags.wait) {
          const line = created
            ? `Queued deletion ${job.id}`
            : `A deletion of that person is already waiting: ${job.id}`;
          return { json: { ...job }, lines: [line, describeDeletion(job)] };
        }
        await runDeletionJob(job.id);
        const ended = await getDeletionJob(null, job.id);
        if (ended.status === "failed") throw new Error(`Deletion ${job.id} failed: ${ended.error ?? "unknown error"}`);
        return { json: { ...ended }, lines: [describeDeletion(ended)] };
      }
      if (sub === "deletions") {
        const page = await listDeletionJobs(null, { project_id: project.id, limit: flags.limit ?? "50" });
        return {
          json: { ...page },
          lines: page.jobs.length ? page.jobs.map(describeDeletion) : ["No deletions in this project."],
        };
      }
      throw new Error(`Unknown privacy command "${sub ?? ""}": use "privacy delete" or "privacy deletions"`);
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

function describeDeletion(job: DeletionJobView): string {
  const person = `${job.id_kind === "anonymous_id" ? "anonymous id" : "user id"} ${job.person ?? "(not recorded)"}`;
  const ended = job.finished_at ? `, finished ${job.finished_at}` : "";
  const error = job.error ? `: ${job.error}` : "";
  return `${job.id}  ${job.status}  ${person}  ${job.events_deleted} events deleted  requested ${job.requested_at}${ended}${error}`;
}

function describeRetention(p: ProjectRetention, verb: string): string {
  return `Project ${p.project_id}: ${verb} ${p.raw_events} raw events before ${p.raw_events_before.slice(0, 10)} (with ${p.property_events} property rows), ${p.event_keys} ledger entries; ${p.event_rollups} rollup rows, ${p.daily_bitmaps} bitmap rows, ${p.daily_counts} daily count rows and ${p.session_rollups} session rows before ${p.aggregates_before.slice(0, 10)}`;
}
