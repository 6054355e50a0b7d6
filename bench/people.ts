// People and realtime reads at scale: loads demo events into one project (once; reused on later
// runs), then times a person's profile, the first and a deep page of their timeline, and the
// realtime snapshot, and prints the person page's plan (EXPLAIN ANALYZE, BUFFERS) to show that a
// lookup reads the person's hash bucket through the actor index, never the project's events.
import { parseArgs } from "node:util";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase, getPool } from "../lib/db/client";
import { copyFrom } from "../lib/db/copy-from";
import { ensureEventPartitions } from "../lib/db/partitions";
import { generateDemoEvents } from "../lib/demo/generate-events";
import { copyEventsSql, csvLine } from "../lib/ingest/event-csv";
import { readPersonProfile, readPersonTimeline } from "../lib/people/people";
import type { PersonRef } from "../lib/people/schemas";
import { decodeCursor } from "../lib/people/timeline-cursor";
import { readRealtimeSnapshot } from "../lib/realtime/realtime-snapshot";
import { ensureOrganization, ensureProject } from "../lib/workspace/workspace";
import { explainStatements, installCapture } from "./query-explain";

const usage = `Usage: npx tsx --conditions=react-server bench/people.ts [--events N] [--days N] [--runs N] [--explain]
Database: $DATABASE_URL, else the embedded PostgreSQL in $LUMEN_DATA_DIR/pg on $LUMEN_PG_PORT.`;

const { values: flags } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    days: { type: "string", default: "90" },
    runs: { type: "string", default: "10" },
    explain: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(usage);
  process.exit(0);
}
const options = { events: Number(flags.events), days: Number(flags.days), runs: Number(flags.runs) };

async function timed(label: string, run: () => Promise<unknown>): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  console.log(`${label.padEnd(40)} p50 ${at(0.5).padStart(8)} ms   p95 ${at(0.95).padStart(8)} ms`);
}

async function main(): Promise<void> {
  const db = await bootstrapDatabase();
  const pool = getPool();
  try {
    const org = await ensureOrganization({ name: "People benchmark", slug: `bench-people-${options.events}` });
    const project = await ensureProject(org.id, { name: "People benchmark", timezone: "UTC" });
    const tenant = { organizationId: org.id, projectId: project.id };
    const now = new Date();
    const { rows: count } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE organization_id = $1 AND project_id = $2",
      [org.id, project.id],
    );
    if (Number(count[0]!.n) < options.events) {
      console.log(`Loading ${options.events.toLocaleString()} demo events over ${options.days} days…`);
      await ensureEventPartitions(pool, new Date(now.getTime() - (options.days + 1) * 86_400_000), now);
      const client = await pool.connect();
      try {
        function* chunks() {
          for (const chunk of generateDemoEvents({
            seed: `bench-people:${options.events}`,
            events: options.events,
            days: options.days,
            now,
          }))
            yield Buffer.from(chunk.map((row) => csvLine(org.id, project.id, row)).join(""));
        }
        await copyFrom(client, copyEventsSql, chunks());
        await client.query("ANALYZE events");
      } finally {
        client.release();
      }
    }
    const { rows: top } = await pool.query<{ id: string; user: boolean; n: string }>(
      `SELECT COALESCE(user_id, anonymous_id) AS id, user_id IS NOT NULL AS user, count(*) AS n FROM events
       WHERE organization_id = $1 AND project_id = $2 GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`,
      [org.id, project.id],
    );
    const busiest = top[0]!;
    const person: PersonRef = busiest.user ? { userId: busiest.id } : { anonymousId: busiest.id };
    console.log(
      `Project ${project.id}: ${Number(count[0]!.n).toLocaleString()} events before this run; person ${busiest.id} with ${busiest.n} events`,
    );

    await timed("person profile", () => readPersonProfile(tenant, person));
    await timed("timeline, first page (50)", () => readPersonTimeline(tenant, person, { limit: 50 }));
    const first = await readPersonTimeline(tenant, person, { limit: Math.max(1, Number(busiest.n) - 10) });
    const deep = first.next_cursor ? decodeCursor(first.next_cursor) : undefined;
    await timed("timeline, last page (50)", () => readPersonTimeline(tenant, person, { limit: 50, cursor: deep }));
    await timed("realtime snapshot", () => readRealtimeSnapshot(tenant, { now, withPeople: true }));
    await timed("nobody with that id (404)", () =>
      readPersonProfile(tenant, { userId: "nobody-has-this-id" }).catch(() => undefined),
    );

    if (flags.explain) {
      const { capture } = installCapture();
      const { statements } = await capture(() => readPersonTimeline(tenant, person, { limit: 50 }));
      for (const line of await explainStatements(pool, statements)) console.log(line);
    }
  } finally {
    await closeDatabase();
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
