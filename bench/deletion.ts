// Person deletion benchmark: one person's deletion job, end to end, in a large project while
// ingestion keeps writing to it. Run by hand; it prints numbers, it is not a test. See bench/README.md.
//
//   npm run bench:deletion -- [--events 10000000] [--person-events 100000] [--days 90] [--json]
//
// The project (--events events of 50,000 users over --days days, hourly rollups refreshed) is built
// once per size and reused by later runs (organization "bench-deletion-<events>"). Each run adds one
// new person with --person-events events spread over the same days, folds them into the rollups,
// then times deleting them (the job of POST /api/v1/privacy/deletions, run here) while a writer
// ingests batches of 100 events through the ingestion write path (as the API writes them), and
// compares its throughput with the same writer alone just before. Last, the cost of the suppression
// check on the ingest path, per event, with this project's suppression list.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { OPERATOR } from "../lib/audit/record";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase, getPool, getPrisma } from "../lib/db/client";
import { ensureEventPartitions } from "../lib/db/partitions";
import { eventRow } from "../lib/ingest/event-row";
import { type EventRow, writeEvents } from "../lib/ingest/write-events";
import { runDeletionJob } from "../lib/privacy/deletion-jobs";
import { getDeletionJob, queuePersonDeletion } from "../lib/privacy/deletion-requests";
import { suppressionCheck } from "../lib/privacy/suppression";
import { refreshRollups } from "../lib/query/rollup-refresh";
import { createProject, ensureOrganization } from "../lib/workspace/workspace";

const usage = `Usage: npm run bench:deletion -- [options]

  --events N          events of everyone else in the project (default 10000000)
  --person-events N   events of the person deleted, over the same days (default 100000)
  --days N            days the events span, up to today (default 90)
  --build-only        load the project and fold it into the rollups, then stop (no timing): builds a
                      large project outside the benchmark lock, for a later timed run to reuse
  --add-person        with --build-only: also add the person's events and fold them, and print the
                      person's id for --person
  --person ID         a person added by --add-person: only the timed part runs (for the lock)
  --org SLUG          use this organization's project as it is instead of building one: e.g.
                      bench-query, the 10M-event project of bench/query.ts (its rollups refreshed)
  --json              also print the results as one JSON object on the last line

The database is $DATABASE_URL, else the embedded PostgreSQL in $LUMEN_DATA_DIR on $LUMEN_PG_PORT.
`;

function fail(message: string): never {
  console.error(`bench:deletion: ${message}`);
  process.exit(1);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        events: { type: "string", default: "10000000" },
        "person-events": { type: "string", default: "100000" },
        days: { type: "string", default: "90" },
        "build-only": { type: "boolean", default: false },
        "add-person": { type: "boolean", default: false },
        person: { type: "string" },
        org: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
})();

if (flags.help) {
  console.log(usage);
  process.exit(0);
}

function integer(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

const options = {
  events: integer("events", flags.events, 1),
  personEvents: integer("person-events", flags["person-events"], 1),
  days: integer("days", flags.days, 1, 365),
};

const DAY_MS = 86_400_000;
const USERS = 50_000;
const LOAD_BATCH = 100_000;
/** The person's events go in through the ingestion write path, this many at a time. */
const PERSON_BATCH = 5_000;
const INGEST_BATCH = 100;
const NAMES = ["pageview", "pageview", "pageview", "click", "signup", "purchase"];
const PATHS = ["/", "/pricing", "/docs", "/blog", "/signup", "/account"];
const BROWSERS = ["Chrome", "Firefox", "Safari", "Edge"];

/** A deterministic spread of events over the days, session per actor and day. */
function rowsFor(actor: string, count: number, offset: number, start: number, spanMs: number): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    const at = start + ((n * 7_919_993) % spanMs);
    rows.push(
      eventRow({
        name: NAMES[n % NAMES.length]!,
        timestamp: new Date(at),
        userId: actor,
        sessionId: `${actor}-${Math.floor(at / DAY_MS)}`,
        path: PATHS[n % PATHS.length]!,
        browser: BROWSERS[n % BROWSERS.length]!,
        country: "FR",
      }),
    );
  }
  return rows;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));

/**
 * The project's events, made by the database itself (generate_series) in transactions of
 * LOAD_BATCH rows with their ledger entries: the same spread as rowsFor, at the speed of an INSERT
 * rather than of the ingestion path (which is not what this benchmark measures). Each transaction's
 * rows share its received_at, so one holds no more than a refresh step folds at once.
 */
async function loadProject(tenant: { organizationId: string; projectId: string }, start: number, spanMs: number) {
  const pool = getPool();
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE project_id = $1", [
    tenant.projectId,
  ]);
  const have = Number(rows[0]!.n);
  if (have >= options.events) {
    console.log(`Reusing the project's ${have.toLocaleString("en-US")} events`);
    return;
  }
  const pick = (list: string[], n: string) =>
    `(ARRAY[${list.map((v) => `'${v}'`).join(", ")}])[${n} % ${list.length} + 1]`;
  const started = Date.now();
  for (let done = have; done < options.events; ) {
    const count = Math.min(LOAD_BATCH, options.events - done);
    await pool.query(
      `WITH made AS (
         INSERT INTO events (organization_id, project_id, event_id, name, timestamp, user_id, session_id, path, browser, country)
         SELECT $1::uuid, $2::uuid, gen_random_uuid(), ${pick(NAMES, "n")}, t.at, 'user-' || (n % ${USERS}),
                'user-' || (n % ${USERS}) || '-' || floor(extract(epoch FROM t.at) * 1000 / ${DAY_MS})::bigint,
                ${pick(PATHS, "n")}, ${pick(BROWSERS, "n")}, 'FR'
         FROM generate_series($3::bigint, $4::bigint) n
         CROSS JOIN LATERAL (SELECT to_timestamp(($5::bigint + (n * 7919993) % $6::bigint) / 1000.0) AS at) t
         RETURNING event_id
       )
       INSERT INTO event_keys (organization_id, project_id, event_id) SELECT $1::uuid, $2::uuid, event_id FROM made`,
      [tenant.organizationId, tenant.projectId, done, done + count - 1, start, spanMs],
    );
    done += count;
    if (done % 500_000 < LOAD_BATCH || done === options.events)
      process.stdout.write(`\rLoaded ${done.toLocaleString("en-US")} events (${seconds(Date.now() - started)})`);
  }
  process.stdout.write("\n");
}

/** Writes batches of INGEST_BATCH events of other users at the current time until stopped. */
function startIngesting(tenant: { organizationId: string; projectId: string }) {
  let stopped = false;
  let events = 0;
  const latencies: number[] = [];
  const started = Date.now();
  const running = (async () => {
    for (let n = 0; !stopped; n++) {
      const now = Date.now();
      const batch = Array.from({ length: INGEST_BATCH }, (_, i) =>
        eventRow({ name: "pageview", timestamp: new Date(now - i), userId: `live-${(n * INGEST_BATCH + i) % 5000}` }),
      );
      const t = performance.now();
      events += await writeEvents(getPool(), tenant.organizationId, tenant.projectId, batch);
      latencies.push(performance.now() - t);
    }
  })();
  return async () => {
    stopped = true;
    await running;
    const elapsed = Date.now() - started;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    return { events, ms: elapsed, eventsPerSecond: rate(events, elapsed), p50Ms: at(0.5), p99Ms: at(0.99) };
  };
}

/** The benchmark's own project of --events events, loaded the first time. */
async function benchmarkProject(start: number, spanMs: number) {
  const slug = `bench-deletion-${options.events}`;
  const org = await ensureOrganization({ name: `Deletion benchmark (${options.events} events)`, slug });
  const project =
    (await getPrisma().project.findFirst({ where: { organizationId: org.id }, select: { id: true } })) ??
    (await createProject(org.id, { name: "Benchmark", timezone: "UTC" }));
  const tenant = { organizationId: org.id, projectId: project.id };
  await loadProject(tenant, start, spanMs);
  return tenant;
}

/** An organization's project as it stands (--org), e.g. the query benchmark's. */
async function existingProject(slug: string) {
  const project = await getPrisma().project.findFirst({
    where: { organization: { slug } },
    select: { id: true, organizationId: true },
  });
  if (!project) fail(`no organization "${slug}" with a project in this database`);
  const { rows } = await getPool().query<{ n: string }>("SELECT count(*) AS n FROM events WHERE project_id = $1", [
    project.id,
  ]);
  console.log(`Using ${slug}'s project: ${Number(rows[0]!.n).toLocaleString("en-US")} events`);
  return { organizationId: project.organizationId, projectId: project.id };
}

async function main(): Promise<void> {
  const db = await bootstrapDatabase();
  try {
    const end = Date.now();
    const start = end - options.days * DAY_MS;
    const spanMs = end - start - 60_000;
    await ensureEventPartitions(getPool(), new Date(start), new Date(end + 31 * DAY_MS));
    const tenant = flags.org === undefined ? await benchmarkProject(start, spanMs) : await existingProject(flags.org);
    if (flags["build-only"] && !flags["add-person"]) {
      const refreshStarted = Date.now();
      await refreshRollups(getPool());
      console.log(`Rollups refreshed in ${seconds(Date.now() - refreshStarted)}`);
      return;
    }

    const person = flags.person ?? `person-${randomUUID().slice(0, 8)}`;
    if (flags.person === undefined)
      for (let done = 0; done < options.personEvents; done += PERSON_BATCH) {
        const count = Math.min(PERSON_BATCH, options.personEvents - done);
        await writeEvents(
          getPool(),
          tenant.organizationId,
          tenant.projectId,
          rowsFor(person, count, done, start, spanMs),
        );
      }
    const refreshStarted = Date.now();
    await refreshRollups(getPool());
    console.log(
      `${flags.person === undefined ? "Added" : "Reusing"} ${options.personEvents.toLocaleString("en-US")} events of ${person}; rollups refreshed in ${seconds(Date.now() - refreshStarted)}`,
    );
    if (flags["build-only"]) {
      console.log(`Prepared: time its deletion with --person ${person}`);
      return;
    }

    // Ingestion alone, for as long as a deletion might take at this size (at least 10 s).
    const baselineMs = Math.max(10_000, Math.min(60_000, options.personEvents / 10));
    const stopBaseline = startIngesting(tenant);
    await new Promise((resolve) => setTimeout(resolve, baselineMs));
    const baseline = await stopBaseline();
    // The baseline's events folded in too, so the deletion meets the usual state: rollups up to date.
    await refreshRollups(getPool());

    const stopDuring = startIngesting(tenant);
    const deletionStarted = Date.now();
    const { job } = await queuePersonDeletion(tenant, { kind: "user_id", id: person }, OPERATOR, { startNow: false });
    await runDeletionJob(job.id);
    const deletionMs = Date.now() - deletionStarted;
    const during = await stopDuring();
    const ended = await getDeletionJob(null, job.id);
    const left = await getPool().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE project_id = $1 AND user_id = $2",
      [tenant.projectId, person],
    );

    // The suppression check as ingestion runs it, per event, with this project's list (the person just deleted is on it).
    const check = await suppressionCheck(tenant.projectId, true);
    const probes = 100_000;
    const checkStarted = performance.now();
    let suppressed = 0;
    for (let i = 0; i < probes; i++)
      if (check?.({ userId: `live-${i}`, anonymousId: i % 2 ? `device-${i}` : null })) suppressed++;
    const checkUs = ((performance.now() - checkStarted) * 1000) / probes;
    const list = await getPool().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM person_suppressions WHERE project_id = $1",
      [tenant.projectId],
    );

    const result = {
      project_events: options.events,
      person_events: options.personEvents,
      days: options.days,
      deletion_status: ended.status,
      deletion_ms: deletionMs,
      events_deleted: ended.events_deleted,
      person_events_left: left.rows[0]!.n,
      ingest_alone: baseline,
      ingest_during_deletion: during,
      suppression_check_us_per_event: Number(checkUs.toFixed(2)),
      suppression_list_size: list.rows[0]!.n,
      suppressed_probes: suppressed,
    };
    console.log(
      `Deletion of ${person}: ${ended.status} in ${seconds(deletionMs)}, ${ended.events_deleted} events deleted (${left.rows[0]!.n} left)`,
    );
    console.log(
      `Ingestion alone:          ${baseline.eventsPerSecond.toLocaleString("en-US")} events/s (batches of ${INGEST_BATCH}: p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms)`,
    );
    console.log(
      `Ingestion during deletion: ${during.eventsPerSecond.toLocaleString("en-US")} events/s (p50 ${during.p50Ms} ms, p99 ${during.p99Ms} ms), ${during.events.toLocaleString("en-US")} events written meanwhile`,
    );
    console.log(
      `Suppression check: ${checkUs.toFixed(2)} µs per event with ${list.rows[0]!.n} persons on the list (${suppressed} of ${probes} probes matched)`,
    );
    if (flags.json) console.log(JSON.stringify(result));
  } finally {
    await closeDatabase();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
