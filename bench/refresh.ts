// Refresh benchmark: a backfill, the rollup + session refresh from nothing over the query
// benchmark's data set (what a new installation with history, or an upgrade that adds a derived
// table, goes through), with the time each statement took. Run by hand after bench/query.ts has
// loaded the data set; it prints numbers, it is not a test. See bench/README.md.
//
//   npx tsx --conditions=react-server bench/refresh.ts [--org bench-query] [--top 20] [--explain TEXT] [--sql-out FILE]
//                                                     [--first-seen]
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase, getPool } from "../lib/db/client";
import { benchWorkspace, countEvents, fmt, loadAverage, log, refreshUntilCaughtUp, seconds } from "./dataset";

const usage = `Usage: npx tsx --conditions=react-server bench/refresh.ts [options]

  --org SLUG        the benchmark organization bench/query.ts loaded (default bench-query)
  --top N           statements to list, by total time (default 20)
  --explain TEXT    also EXPLAIN (ANALYZE, BUFFERS) the first occurrence of each statement whose
                    label contains TEXT (repeatable), inside its transaction, rolled back to a
                    savepoint before the statement itself runs (so it costs that statement twice)
  --sql-out FILE    write each listed statement's full text to FILE, by label
  --max-seconds N   stop after N seconds and print how many events each fold took in and at what rate
                    (a slice of the backfill, to extrapolate the whole under the benchmark lock's limit)
  --first-seen      clear only first seen (actor_first_seen and its watermark): the backfill of an
                    installation upgraded to it, one fold of the whole history in the next step

Clears every table the refresh derives from events (all projects of the database), then refreshes
until caught up. Database: $DATABASE_URL, else the embedded PostgreSQL in $LUMEN_DATA_DIR/pg on $LUMEN_PG_PORT.
`;

const { values: flags } = parseArgs({
  options: {
    org: { type: "string", default: "bench-query" },
    top: { type: "string", default: "20" },
    explain: { type: "string", multiple: true },
    "sql-out": { type: "string" },
    "first-seen": { type: "boolean", default: false },
    "max-seconds": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(usage);
  process.exit(0);
}

/** What the refresh derives from events: cleared, with both watermarks, for a backfill. */
const DERIVED_TABLES = [
  "event_rollups",
  "event_actor_bitmaps",
  "dimension_actor_bitmaps",
  "project_actors",
  "rollup_daily_state",
  "event_counts_daily",
  "event_counts_state",
  "actor_count_slices",
  "count_slice_state",
  "mixed_actor_bitmaps",
  "mixed_actor_days",
  "mixed_actor_state",
  "pair_actor_bitmaps",
  "pair_complete_bitmaps",
  "pair_state",
  "session_fragments",
  "session_counts",
  "session_key_values",
  "session_spans",
  "actor_first_seen",
  "first_seen_hourly",
  "first_seen_bitmaps",
  "first_seen_bitmap_state",
  "goal_actor_bitmaps",
  "goal_bitmap_state",
  "property_events",
  "session_paths",
  "session_path_events",
  "session_path_counts",
];
/** Tables of project data the refresh reads or never touches. */
const SOURCE_TABLES = [
  "events",
  "event_keys",
  "api_keys",
  "reports",
  "embed_tokens",
  "embed_token_revocations",
  "consent_records",
  "person_deletions",
  "person_suppressions",
  "segments",
  "goals",
  "audit_log",
  "alert_rules",
  "alert_channels",
  "alert_transitions",
  "alert_notifications",
];

/** A table with project data that is in neither list must be placed in one before a backfill can be trusted. */
async function unclassifiedTables(): Promise<string[]> {
  const { rows } = await getPool().query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'project_id' AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition`,
  );
  return rows.map((r) => r.name).filter((name) => !DERIVED_TABLES.includes(name) && !SOURCE_TABLES.includes(name));
}

/** Events at or below each fold's watermark: how far a backfill got. */
const foldedEventsSql = `
SELECT part, (SELECT count(*) FROM events WHERE received_at <= w.watermark)::text AS events
FROM (SELECT 'rollups' AS part, watermark FROM rollup_state UNION ALL SELECT 'sessions', watermark FROM session_state) w`;

async function clearDerived(): Promise<void> {
  await getPool().query("UPDATE first_seen_state SET watermark = '-infinity'");
  if (flags["first-seen"]) {
    await getPool().query("TRUNCATE actor_first_seen, first_seen_hourly, first_seen_bitmaps, first_seen_bitmap_state");
    return;
  }
  await getPool().query(`TRUNCATE ${DERIVED_TABLES.join(", ")}`);
  await getPool().query("UPDATE rollup_state SET watermark = '-infinity'");
  await getPool().query("UPDATE session_state SET watermark = '-infinity'");
}

// ---------------------------------------------------------------------------------------------
// Statement profile: pg's Client.prototype.query (every pool client ends there) wrapped to time
// each statement that returns a promise, grouped by its text.

interface StatementStats {
  label: string;
  text: string;
  count: number;
  ms: number;
  maxMs: number;
  rows: number;
}

/** A statement's label: a hash of its text (parameters aside) and what it writes or reads first. */
function labelOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const hash = createHash("sha1").update(flat).digest("hex").slice(0, 6);
  const target =
    /\b(INSERT INTO \w+|UPDATE \w+ SET|UPDATE \w+ \w+ SET|DELETE FROM \w+|CREATE TEMP TABLE \w+|ANALYZE \w+|TRUNCATE \w+)/i.exec(
      flat,
    )?.[1] ?? flat.slice(0, 40);
  return `${hash} ${target}`;
}

function installProfile(explain: string[], plans: string[]): Map<string, StatementStats> {
  const stats = new Map<string, StatementStats>();
  const explained = new Set<string>();
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    const callback = typeof args[args.length - 1] === "function";
    const config = callback
      ? null
      : typeof first === "string"
        ? { text: first, values: Array.isArray(second) ? second : undefined }
        : first && typeof first === "object" && "text" in first
          ? (first as { text: string; values?: unknown[] })
          : null;
    if (!config || /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|SET |SELECT pg_)/i.test(config.text))
      return original.apply(this, args);
    const label = labelOf(config.text);
    const run = async () => {
      if (explain.some((e) => label.includes(e)) && !explained.has(label)) {
        explained.add(label);
        await original.call(this, "SAVEPOINT bench_explain");
        const plan = (await original.call(this, {
          text: `EXPLAIN (ANALYZE, BUFFERS) ${config.text}`,
          values: config.values,
        })) as pg.QueryResult<{ "QUERY PLAN": string }>;
        await original.call(this, "ROLLBACK TO SAVEPOINT bench_explain");
        plans.push(`\n==== ${label} ====`, ...plan.rows.map((r) => r["QUERY PLAN"]));
      }
      const started = performance.now();
      const result = (await original.apply(this, args)) as pg.QueryResult;
      const ms = performance.now() - started;
      const entry = stats.get(label) ?? { label, text: config.text, count: 0, ms: 0, maxMs: 0, rows: 0 };
      entry.count++;
      entry.ms += ms;
      entry.maxMs = Math.max(entry.maxMs, ms);
      entry.rows += result?.rowCount ?? 0;
      stats.set(label, entry);
      return result;
    };
    return run();
  };
  return stats;
}

function printProfile(stats: Map<string, StatementStats>, plans: string[]): void {
  const top = [...stats.values()].sort((a, b) => b.ms - a.ms).slice(0, Number(flags.top));
  const total = [...stats.values()].reduce((sum, s) => sum + s.ms, 0);
  console.log(
    `\nStatements by total time (${fmt(total / 1000, 1)} s in all; a statement's label is a hash of its text)\n`,
  );
  console.log(
    `${"total s".padStart(8)}  ${"share".padStart(5)}  ${"count".padStart(5)}  ${"max s".padStart(7)}  ${"rows".padStart(11)}  statement`,
  );
  for (const s of top) {
    console.log(
      `${fmt(s.ms / 1000, 1).padStart(8)}  ${`${fmt((100 * s.ms) / total)}%`.padStart(5)}  ${String(s.count).padStart(5)}  ${fmt(s.maxMs / 1000, 1).padStart(7)}  ${fmt(s.rows).padStart(11)}  ${s.label}`,
    );
  }
  if (flags["sql-out"]) {
    writeFileSync(flags["sql-out"], top.map((s) => `-- ${s.label}\n${s.text.trim()};\n`).join("\n"));
    console.log(`\nStatement texts written to ${flags["sql-out"]}`);
  }
  if (plans.length) console.log(plans.join("\n"));
}

async function main(): Promise<number> {
  const db = await bootstrapDatabase();
  try {
    const ws = await benchWorkspace(flags.org);
    const events = await countEvents(ws);
    if (events === 0) {
      log(`The project of organization ${flags.org} holds no events: load the data set with bench/query.ts first.`);
      return 1;
    }
    const unclassified = await unclassifiedTables();
    if (unclassified.length) {
      log(
        `Tables with project data that bench/refresh.ts does not know: ${unclassified.join(", ")}. Add each to DERIVED_TABLES (the refresh writes it) or SOURCE_TABLES.`,
      );
      return 1;
    }
    const { rows } = await getPool().query<{ n: string }>("SELECT count(*) AS n FROM events");
    console.log(
      `Refresh benchmark (backfill): ${fmt(Number(rows[0]!.n))} events in the database (${fmt(events)} in org ${flags.org}); ${loadAverage()}`,
    );
    await clearDerived();
    // Autovacuum's view of the cleared tables, as on a new installation.
    await getPool().query(`ANALYZE ${DERIVED_TABLES.join(", ")}`);

    const plans: string[] = [];
    const stats = installProfile(flags.explain ?? [], plans);
    const started = performance.now();
    // Stopped early (Ctrl-C, kill), it still says where the time went so far.
    const interrupted = async (signal: string) => {
      const ms = performance.now() - started;
      console.log(`\n${signal} after ${seconds(ms)}; ${loadAverage()}`);
      // How far each fold got, for a rate to extrapolate a run stopped early (a slice of the data set).
      const progress = await new pg.Client({ connectionString: db.url }).connect().then(async (client) => {
        try {
          return (await client.query<{ part: string; events: string }>(foldedEventsSql)).rows;
        } finally {
          await client.end();
        }
      });
      for (const { part, events: folded } of progress)
        console.log(`${part}: ${fmt(Number(folded))} events folded, ${fmt((Number(folded) * 1000) / ms)} events/s`);
      printProfile(stats, plans);
      void db.stop().finally(() => process.exit(130));
    };
    process.once("SIGINT", (signal) => void interrupted(signal));
    process.once("SIGTERM", (signal) => void interrupted(signal));
    if (flags["max-seconds"])
      setTimeout(() => void interrupted("--max-seconds"), Number(flags["max-seconds"]) * 1000).unref();
    const refresh = await refreshUntilCaughtUp();
    const { rows: sizes } = await getPool().query<{ name: string; size: string; rows: string }>(
      `SELECT relname AS name, pg_size_pretty(pg_total_relation_size(oid)) AS size, reltuples::bigint AS rows
       FROM pg_class WHERE relname = ANY($1::text[]) ORDER BY pg_total_relation_size(oid) DESC`,
      [DERIVED_TABLES],
    );

    console.log(
      `\nBackfill: ${seconds(refresh.ms)} (${refresh.calls} refresh calls, ${fmt(refresh.rowsWritten)} rollup rows); ${loadAverage()}`,
    );
    console.log(`Derived tables: ${sizes.map((s) => `${s.name} ${s.size}`).join(", ")}`);
    printProfile(stats, plans);
    return 0;
  } finally {
    await closeDatabase();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:refresh: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
