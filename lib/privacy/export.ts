// A tracked person's events as NDJSON (GDPR art. 15 access, art. 20 portability): every event of
// one actor of a project, from every monthly partition, oldest first, one JSON object a line with
// what a person would recognise (time, event, page, referrer, campaign, properties, browser, OS,
// device, country, locale, app). A person is all their ids, as a deletion takes them
// (delete-person.ts, lib/people/identity.ts): a user id's events and the anonymous-only events of
// every anonymous id seen on them (their visits before signing in); an anonymous id identified as one
// user is that user; an anonymous id never identified, or identified as several users (a shared
// device), is its own anonymous-only events. An export never holds another person's events.
//
// Memory stays bounded whatever the person's size: the rows come from a server-side cursor, a
// fetch at a time, and the next fetch waits until the client has taken the previous one (the
// response stream's pull). The cursor reads on a report connection (a read-only pool, so ingestion
// and the rollup refresh never wait for it), at most MAX_CONCURRENT_EXPORTS at once per process;
// a client that stops reading for EXPORT_IDLE_MS, or an export past EXPORT_MAX_MS, is cut off.
// The export is in the audit log (the person by a pseudonym) before its first row leaves.
import "server-only";
import type pg from "pg";
import { z } from "zod";
import { type PersonIdKind, personPseudonym } from "../audit/person-pseudonym";
import { type AuditActor, actorOfAdmin, recordAudit } from "../audit/record";
import { type AdminPrincipal, projectForAdmin } from "../auth/admin-access";
import { getPrisma, getReportPool } from "../db/client";
import { ApiError } from "../errors";
import { resolveIdentity } from "../people/identity";
import { storableText } from "../text";

/** Rows per FETCH: properties are at most 32 KB, so a fetch holds at most a few MB, usually ~250 KB. */
const FETCH_ROWS = 250;
/** Each exported event costs a report connection for a while: a handful at a time per process. */
const MAX_CONCURRENT_EXPORTS = 2;
const EXPORT_IDLE_MS = 60_000;
const EXPORT_MAX_MS = 15 * 60_000;
/** One FETCH (the first sorts the person's events) may take this long. */
const FETCH_TIMEOUT_MS = 120_000;

const personIdSchema = storableText().min(1).max(200);

export const personExportQuerySchema = z
  .object({
    project_id: z.guid(),
    user_id: personIdSchema.optional(),
    anonymous_id: personIdSchema.optional(),
  })
  .refine((q) => (q.user_id === undefined) !== (q.anonymous_id === undefined), {
    message: "give exactly one of user_id and anonymous_id",
    path: ["user_id"],
  })
  .transform((q) => ({
    projectId: q.project_id,
    person: q.user_id !== undefined ? personOf("user_id", q.user_id) : personOf("anonymous_id", q.anonymous_id ?? ""),
  }));

export interface Person {
  kind: PersonIdKind;
  id: string;
}

function personOf(kind: PersonIdKind, id: string): Person {
  return { kind, id };
}

export interface PersonExport {
  filename: string;
  body: ReadableStream<Uint8Array>;
}

export type PersonExportQuery = z.infer<typeof personExportQuerySchema>;

/** The export route: an admin key of the organization or a signed-in owner/admin. */
export async function exportPersonForAdmin(
  admin: AdminPrincipal,
  { projectId, person }: PersonExportQuery,
): Promise<PersonExport> {
  const project = await projectForAdmin(admin, projectId);
  return openPersonExport({ organizationId: project.organizationId, projectId, person, actor: actorOfAdmin(admin) });
}

const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The cursor's query: $1 organization, $2 project, $3 the user id (or null), $4 the anonymous ids
 * whose anonymous-only events are the person's; the actor hashes find their index ranges.
 */
const exportSql = `DECLARE person_export NO SCROLL CURSOR FOR
    SELECT line FROM (
      SELECT timestamp, event_id, ${lineSql()} AS line FROM events
      WHERE organization_id = $1::uuid AND project_id = $2::uuid AND $3::text IS NOT NULL
        AND (actor & 63)::smallint = (hashtextextended($3::text, 0) & 63)::smallint
        AND actor = hashtextextended($3::text, 0) AND user_id = $3::text
      UNION ALL
      SELECT timestamp, event_id, ${lineSql()} FROM events
      WHERE organization_id = $1::uuid AND project_id = $2::uuid
        AND (actor & 63)::smallint = ANY(ARRAY(SELECT (hashtextextended(a, 0) & 63)::smallint FROM unnest($4::text[]) a))
        AND actor = ANY(ARRAY(SELECT hashtextextended(a, 0) FROM unnest($4::text[]) a))
        AND user_id IS NULL AND anonymous_id = ANY($4::text[])
    ) person
    ORDER BY timestamp, event_id`;

/** An event as the export's JSON line. */
function lineSql(): string {
  return `json_build_object(
      'event_id', event_id, 'timestamp', ${utc("timestamp")}, 'received_at', ${utc("received_at")}, 'name', name,
      'user_id', user_id, 'anonymous_id', anonymous_id, 'session_id', session_id,
      'page', json_build_object('path', path, 'title', title), 'referrer_host', referrer_host,
      'utm', json_build_object('source', utm_source, 'medium', utm_medium, 'campaign', utm_campaign, 'term', utm_term, 'content', utm_content),
      'properties', properties, 'browser', browser, 'os', os, 'device_type', device_type, 'country', country,
      'locale', locale, 'app_version', app_version, 'library', library
    )::text`;
}

let exportsRunning = 0;

export interface OpenPersonExport {
  organizationId: string;
  projectId: string;
  person: Person;
  actor: AuditActor;
}

/** Opens the cursor, records the export, and returns the stream (the HTTP route and the CLI). */
export async function openPersonExport({
  organizationId,
  projectId,
  person,
  actor,
}: OpenPersonExport): Promise<PersonExport> {
  if (exportsRunning >= MAX_CONCURRENT_EXPORTS)
    throw new ApiError("rate_limited", "Other exports are running on this server; retry shortly", undefined, {
      "retry-after": "10",
    });
  exportsRunning++;
  let client: pg.PoolClient | undefined;
  try {
    client = await getReportPool().connect();
    await client.query("BEGIN READ ONLY");
    await client.query(
      // Planned for reading every row (a cursor is otherwise planned for its first 10%: a scan of the
      // whole project in time order rather than the person's index range and a sort); the server
      // ends the transaction itself should this process stop tending it.
      `SET LOCAL cursor_tuple_fraction = 1; SET LOCAL statement_timeout = ${FETCH_TIMEOUT_MS}; SET LOCAL jit = off;
       SET LOCAL idle_in_transaction_session_timeout = ${2 * EXPORT_IDLE_MS}`,
    );
    // The person's ids, as a deletion resolves them: every anonymous id of the user, uncapped.
    const ids = await resolveIdentity(
      client,
      { organizationId, projectId },
      person.kind === "user_id" ? { userId: person.id } : { anonymousId: person.id },
      null,
    );
    await client.query(exportSql, [organizationId, projectId, ids.userId, ids.anonymousIds]);
    const pseudonym = personPseudonym(projectId, person.kind, person.id);
    await recordAudit(getPrisma(), {
      organizationId,
      projectId,
      actor,
      action: "privacy.person_exported",
      target: { type: "person", id: pseudonym },
      details: { id_kind: person.kind },
    });
    return { filename: `lumen-person-${pseudonym}.ndjson`, body: cursorStream(client) };
  } catch (error) {
    exportsRunning--;
    client?.release(true);
    throw error;
  }
}

/** The cursor's rows as NDJSON, a FETCH per pull; ends (and frees the connection) at the end, on cancel or on a limit. */
function cursorStream(client: pg.PoolClient): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const deadline = Date.now() + EXPORT_MAX_MS;
  let finished = false;
  let idle: NodeJS.Timeout | undefined;

  async function finish(failed: boolean): Promise<void> {
    if (finished) return;
    finished = true;
    clearTimeout(idle);
    exportsRunning--;
    try {
      await client.query("ROLLBACK");
      client.release(failed);
    } catch {
      client.release(true);
    }
  }

  /** Ends the response early (the client sees it cut, never a whole-looking export) and frees the connection. */
  const cut = (controller: ReadableStreamDefaultController<Uint8Array>, reason: string): void => {
    if (finished) return;
    void finish(false);
    controller.error(new Error(`Person export cut off: ${reason}`));
  };
  const waitForReader = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    idle = setTimeout(() => cut(controller, "the client stopped reading"), EXPORT_IDLE_MS);
  };

  return new ReadableStream<Uint8Array>({
    start: waitForReader,
    // Called once the reader has taken what was queued: the next rows are fetched only then.
    async pull(controller) {
      clearTimeout(idle);
      if (finished) return;
      if (Date.now() > deadline) return cut(controller, `the export ran past ${EXPORT_MAX_MS / 60_000} minutes`);
      try {
        const { rows } = await client.query<{ line: string }>(`FETCH ${FETCH_ROWS} FROM person_export`);
        if (finished) return;
        if (rows.length === 0) {
          await finish(false);
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(`${rows.map((r) => r.line).join("\n")}\n`));
        waitForReader(controller);
      } catch (error) {
        await finish(true);
        controller.error(error);
      }
    },
    async cancel() {
      await finish(false);
    },
  });
}
