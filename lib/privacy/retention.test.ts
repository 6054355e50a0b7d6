// Retention against real PostgreSQL, on the clock of 2019-07-15 (months no other test writes to):
// the dry run counts without deleting; enforcing drops whole partitions only where every project
// with rows in them lets go, deletes the rest row by row, keeps aggregates for their own (longer)
// retention; reports over ranges reaching back past it are clamped by the documented rule.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions, listEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { refreshRollups } from "../query/rollup-refresh";
import { runQuery } from "../query/run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "../query/schemas";
import { DERIVED_TABLES } from "./delete-person";
import { AGGREGATE_TABLES, enforceRetention, planRetention, RAW_INDEX_TABLES } from "./retention";
import { applyPrivacyPatch } from "./settings";

const now = new Date("2019-07-15T12:00:00Z");
// Raw events for 2 months: kept from 2019-05-01. Aggregates for 4: kept from 2019-03-01.
const policy = { raw_events_months: 2, aggregates_months: 4 };
const months = ["01", "02", "03", "04", "05", "06", "07"];

let short: Tenant;
let long: Tenant;

/** Three pageviews of two visitors on the 10th of each month (local Paris time: the 10th too). */
function monthOf(month: string, prefix: string) {
  return [
    eventRow({
      name: "pageview",
      timestamp: new Date(`2019-${month}-10T09:00:00Z`),
      userId: `${prefix}-a`,
      sessionId: `${prefix}-${month}-1`,
      path: "/",
    }),
    eventRow({
      name: "signup",
      timestamp: new Date(`2019-${month}-10T09:05:00Z`),
      userId: `${prefix}-a`,
      sessionId: `${prefix}-${month}-1`,
      path: "/signup",
    }),
    eventRow({
      name: "pageview",
      timestamp: new Date(`2019-${month}-10T15:00:00Z`),
      anonymousId: `${prefix}-b`,
      sessionId: `${prefix}-${month}-2`,
      path: "/docs",
    }),
  ];
}

const countOf = async (text: string, values: unknown[]) =>
  Number((await getPool().query<{ n: string }>(text, values)).rows[0]!.n);
const eventsBefore = (tenant: Tenant, before: string) =>
  countOf("SELECT count(*) AS n FROM events WHERE project_id = $1 AND timestamp < $2", [tenant.projectId, before]);
const rollupsBefore = (tenant: Tenant, before: string) =>
  countOf("SELECT count(*) AS n FROM event_rollups WHERE project_id = $1 AND bucket < $2", [tenant.projectId, before]);

beforeAll(async () => {
  [short, long] = await Promise.all([createTenant(), createTenant()]);
  await applyPrivacyPatch(short.projectId, { retention: policy });
  await ensureEventPartitions(getPool(), new Date("2019-01-01"), new Date("2019-07-01"));
  await writeEvents(
    getPool(),
    short.organizationId,
    short.projectId,
    months.flatMap((m) => monthOf(m, "s")),
  );
  // The other project keeps 25 months and has rows in March only: March cannot go whole.
  await writeEvents(getPool(), long.organizationId, long.projectId, monthOf("03", "l"));
  await refreshRollups(getPool(), { wait: true });
  // As if they had arrived when they happened: the ledger's entries go by arrival time.
  for (const table of ["events", "event_keys"]) {
    await getPool().query(
      `UPDATE ${table} t SET received_at = e.timestamp + interval '1 minute' FROM events e
       WHERE t.project_id = ANY($1::uuid[]) AND e.project_id = t.project_id AND e.event_id = t.event_id`,
      [[short.projectId, long.projectId]],
    );
  }
});

afterAll(async () => {
  await closeDatabase();
});

async function report(tenant: Tenant, input: QueryDefinitionInput, range: QueryRange) {
  return runQuery({
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query: queryDefinitionSchema.parse(input),
    range,
    now,
  });
}

describe("retention", () => {
  it("shows in a dry run exactly what would go, and deletes nothing", async () => {
    const plan = await planRetention(getPool(), { now, projectId: short.projectId });
    expect(plan.partitions).toEqual([]);
    expect(plan.projects).toEqual([
      {
        project_id: short.projectId,
        raw_events_before: "2019-05-01T00:00:00.000Z",
        aggregates_before: "2019-03-01T00:00:00.000Z",
        raw_events: 12,
        property_events: await countOf(
          "SELECT count(*) AS n FROM property_events WHERE project_id = $1 AND timestamp < '2019-05-01'",
          [short.projectId],
        ),
        event_keys: 12,
        event_rollups: await rollupsBefore(short, "2019-03-01"),
        daily_bitmaps: expect.any(Number),
        daily_counts: expect.any(Number),
        // January and February: two single-hour sessions a month, each a fragment and its parts' counts.
        session_rollups:
          (await countOf("SELECT count(*) AS n FROM session_fragments WHERE project_id = $1 AND hour < '2019-03-01'", [
            short.projectId,
          ])) +
          (await countOf(
            "SELECT count(*) AS n FROM session_counts WHERE project_id = $1 AND first_hour < '2019-03-01'",
            [short.projectId],
          )) +
          // And their paths step rows, two per session, and their paths counts.
          (await countOf(
            "SELECT count(*) * 2 AS n FROM session_paths WHERE project_id = $1 AND last_at < '2019-03-01'",
            [short.projectId],
          )) +
          (await countOf("SELECT count(*) AS n FROM session_path_counts WHERE project_id = $1 AND day < '2019-03-01'", [
            short.projectId,
          ])),
      },
    ]);
    expect(plan.projects[0]!.event_rollups).toBeGreaterThan(0);
    expect(plan.projects[0]!.daily_bitmaps).toBeGreaterThan(0);
    expect(plan.projects[0]!.daily_counts).toBeGreaterThan(0);
    expect(plan.projects[0]!.session_rollups).toBeGreaterThan(4);
    const everything = await planRetention(getPool(), { now });
    expect(everything.partitions.map((p) => p.name)).toEqual(["events_p2019_01", "events_p2019_02", "events_p2019_04"]);
    // Other test files' projects may hold events past this clock's horizons too (an export test's from 2001): only ours are checked.
    const ours = everything.projects.filter((p) => [short.projectId, long.projectId].includes(p.project_id));
    expect(ours.map((p) => p.project_id)).toEqual([short.projectId]);
    expect(await eventsBefore(short, "2019-05-01")).toBe(12);
  });

  it("drops whole partitions where every project lets go, deletes the rest row by row, and keeps aggregates longer", async () => {
    const before = await getPool().query(
      "SELECT event_id FROM events WHERE project_id = $1 AND timestamp < '2019-05-01'",
      [short.projectId],
    );
    const firstSeen = () =>
      getPool().query("SELECT * FROM actor_first_seen WHERE project_id = $1 ORDER BY actor", [short.projectId]);
    const firstSeenBefore = (await firstSeen()).rows;
    expect(firstSeenBefore).toHaveLength(2);
    const report = await enforceRetention(getPool(), { now });
    // First seen is an aggregate of all history: raw events going leave it as it was.
    expect((await firstSeen()).rows).toEqual(firstSeenBefore);
    expect(report).not.toBeNull();
    const gone = ["events_p2019_01", "events_p2019_02", "events_p2019_04"];
    const partitions = await listEventPartitions(getPool());
    // Each is dropped whole, unless a long report query held the table past the lock timeout: then its rows went one by one.
    for (const name of gone) expect(partitions.includes(name)).toBe(!report!.partitions_dropped.includes(name));
    expect(partitions).toContain("events_p2019_03");
    expect(await eventsBefore(short, "2019-05-01")).toBe(0);
    expect(await eventsBefore(short, "2019-08-01")).toBe(9);
    expect(await eventsBefore(long, "2019-08-01")).toBe(3);
    const ledger = await countOf(
      "SELECT count(*) AS n FROM event_keys WHERE project_id = $1 AND event_id = ANY($2::uuid[])",
      [short.projectId, before.rows.map((r) => r.event_id)],
    );
    expect(ledger).toBe(0);
    // Aggregates: gone before 2019-03-01, kept from March (whose raw events are gone).
    expect(await rollupsBefore(short, "2019-03-01")).toBe(0);
    expect(await rollupsBefore(short, "2019-05-01")).toBeGreaterThan(0);
    expect(
      await countOf("SELECT count(*) AS n FROM event_actor_bitmaps WHERE project_id = $1 AND day < '2019-03-02'", [
        short.projectId,
      ]),
    ).toBe(0);
    expect(
      await countOf("SELECT count(*) AS n FROM event_actor_bitmaps WHERE project_id = $1 AND day = '2019-03-10'", [
        short.projectId,
      ]),
    ).toBeGreaterThan(0);
    expect(
      await countOf("SELECT count(*) AS n FROM session_fragments WHERE project_id = $1 AND hour < '2019-03-01'", [
        short.projectId,
      ]),
    ).toBe(0);
    // Every aggregate table, the drill-downs' included: nothing before the horizon, March kept.
    for (const [table, column] of Object.values(AGGREGATE_TABLES).flat()) {
      const before = column === "day" ? "2019-03-02" : "2019-03-01";
      expect(
        await countOf(`SELECT count(*) AS n FROM ${table} WHERE project_id = $1 AND ${column} < $2`, [
          short.projectId,
          before,
        ]),
        table,
      ).toBe(0);
    }
    for (const table of ["event_counts_daily", "session_counts", "dimension_actor_bitmaps"]) {
      expect(
        await countOf(`SELECT count(*) AS n FROM ${table} WHERE project_id = $1`, [short.projectId]),
        table,
      ).toBeGreaterThan(0);
    }
    // A second run finds nothing more.
    expect((await planRetention(getPool(), { now, projectId: short.projectId })).projects[0]).toMatchObject({
      raw_events: 0,
      property_events: 0,
      event_keys: 0,
      event_rollups: 0,
      daily_bitmaps: 0,
      daily_counts: 0,
      session_rollups: 0,
    });
  });

  it("answers reports reaching back past retention from what each source keeps, and says so", async () => {
    const halfYear: QueryRange = { from: "2019-01-01", to: "2019-07-14" };
    // Counts by month from the rollups: back to the aggregate horizon's first Paris midnight (March 2, 00:00 local).
    const trend = await report(short, { kind: "trend", interval: "month" }, halfYear);
    expect(trend.meta.rollups).toBe(true);
    expect(trend.meta.retention).toEqual({
      requested_from: "2018-12-31T23:00:00.000Z",
      from: "2019-03-01T23:00:00.000Z",
      source: "aggregates",
    });
    expect(trend.meta.range.from).toBe("2019-03-01T23:00:00.000Z");
    const series = (trend.data as { series: { values: number[] }[] }).series[0]!;
    expect(series.values).toEqual([3, 3, 3, 3, 3]); // March to July: March and April from rollups alone
    // A funnel reads raw events: back to the raw horizon's first Paris midnight (May 2, 00:00 local).
    const funnel = await report(
      short,
      { kind: "funnel", steps: [{ event: "pageview" }, { event: "signup" }], window: { value: 1, unit: "hour" } },
      halfYear,
    );
    expect(funnel.meta.retention).toMatchObject({ from: "2019-05-01T22:00:00.000Z", source: "raw_events" });
    // May to July: both visitors viewed a page, one signed up.
    expect((funnel.data as { steps: { count: number }[] }).steps.map((s) => s.count)).toEqual([2, 1]);
    // Entry pages from the session rollups (which read id-less sessions raw): back to the raw horizon, May to July.
    const entries = await report(
      short,
      { kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" } },
      halfYear,
    );
    expect(entries.meta.rollups).toBe(true);
    expect(entries.meta.retention).toMatchObject({ from: "2019-05-01T22:00:00.000Z", source: "raw_events" });
    expect((entries.data as { rows: unknown[] }).rows).toEqual([
      { value: "/", measure: 3 },
      { value: "/docs", measure: 3 },
    ]);
    // Within retention, but comparing with a period past it: no comparison rather than a partial one.
    const metric = await report(
      short,
      { kind: "metric", event: "pageview", filters: [{ field: "properties.x", op: "is_not_set" }] },
      {
        from: "2019-05-05",
        to: "2019-06-30",
      },
    );
    expect(metric.meta.retention).toMatchObject({ comparison_dropped: true, source: "raw_events" });
    expect(metric.data).toMatchObject({ value: 4, previous: null, change: null, previous_range: null });
    // Wholly past the aggregates: an empty answer, not a misleading zero-filled one.
    const gone = await report(short, { kind: "trend", interval: "day" }, { from: "2019-01-01", to: "2019-01-31" });
    expect(gone.meta.retention).toMatchObject({ from: gone.meta.range.to });
    expect((gone.data as { buckets: unknown[] }).buckets).toEqual([]);
    // Reports within retention carry no notice.
    const recent = await report(
      short,
      { kind: "metric", event: "pageview", compare: false },
      { from: "2019-06-01", to: "2019-07-14" },
    );
    expect(recent.meta.retention).toBeUndefined();
  });

  it("still counts visitors first seen before the raw horizon as returning", async () => {
    const split = await report(
      short,
      { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } },
      { from: "2019-05-02", to: "2019-07-14" },
    );
    // Both were first seen in January, whose events are gone.
    expect((split.data as { rows: unknown[] }).rows).toEqual([{ value: "returning", measure: 2 }]);
    expect(split.meta.retention).toBeUndefined();
  });

  it("refuses aggregates kept for less time than raw events", async () => {
    await expect(applyPrivacyPatch(short.projectId, { retention: { aggregates_months: 1 } })).rejects.toMatchObject({
      code: "invalid_request",
    });
    await expect(applyPrivacyPatch(randomUUID(), { retention: { raw_events_months: 3 } })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("expires every table derived from events, or says why it keeps it", () => {
    // Kept whatever their age: the numbering every bitmap's bits refer to, when each visitor was first
    // seen and its hourly counts and bitmaps (a visitor back after their old events went is still
    // returning), key texts and the longest session span, which hold no time (they go with what refers to them).
    const keptWithoutHorizon = [
      "project_actors",
      "actor_first_seen",
      "first_seen_hourly",
      "first_seen_bitmaps",
      "session_key_values",
      "session_spans",
    ];
    const expired: string[] = [...Object.values(AGGREGATE_TABLES).flat(), ...RAW_INDEX_TABLES].map(([table]) => table);
    // A new derived table (DERIVED_TABLES, delete-person.ts) needs a line in AGGREGATE_TABLES (retention.ts) too.
    const derived = DERIVED_TABLES.flatMap((entry) => entry.tables);
    expect(derived.filter((table) => !expired.includes(table) && !keptWithoutHorizon.includes(table))).toEqual([]);
  });
});
