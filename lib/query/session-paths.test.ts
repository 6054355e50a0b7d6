// Paths from the step table the session refresh keeps equal the raw answer (paths-golden.test.ts
// pins the raw one): demo traffic and hand-built sessions, in several time zones, ranges that cut
// sessions, steps at one instant, sessions without an id, and events that arrive after the refresh
// (late ones in the middle of a session included).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";
import { stepCountRowsSql } from "./session-paths-refresh";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
let tenant: Tenant;
const now = new Date();
/** An hour boundary 10 days back: hand-built sessions sit around it. */
const mark = new Date(Math.floor((now.getTime() - 10 * DAY) / HOUR) * HOUR);
const at = (minutes: number) => new Date(mark.getTime() + minutes * MINUTE);
/** The UTC midnight starting the mark's day, in minutes from the mark: whole days of counts end there. */
const midnight = (Math.floor(mark.getTime() / DAY) * DAY - mark.getTime()) / MINUTE;

/** A session's events: pages ("/x") or event names, at minutes from the mark. */
function session(sessionId: string | null, actor: string, steps: [string, number][]): EventRow[] {
  return steps.map(([what, minute]) =>
    eventRow({
      name: what.startsWith("/") ? "pageview" : what,
      path: what.startsWith("/") ? what : null,
      timestamp: at(minute),
      sessionId,
      anonymousId: actor,
    }),
  );
}

beforeAll(async () => {
  tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 40 * DAY), now);
  for (const chunk of generateDemoEvents({ seed: `paths-${tenant.projectId}`, events: 6_000, days: 35, now })) {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, chunk);
  }
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    // Across the mark, so a range starting or ending there cuts it.
    ...session("span", "v-span", [
      ["/", -20],
      ["/pricing", -10],
      ["/", 5],
      ["signup", 7],
      ["/docs", 9],
    ]),
    // Steps at one instant: the anchor decides their order (first after a start, last before an end).
    ...session("tie-start", "v-tie1", [
      ["/docs", 30],
      ["/", 31],
      ["/pricing", 31],
      ["/about", 32],
    ]),
    ...session("tie-end", "v-tie2", [
      ["/", 40],
      ["signup", 41],
      ["/pricing", 41],
      ["/docs", 42],
    ]),
    // Steps at one instant that are not the anchor "/" (but match "/docs*" and end at "/pricing"):
    // the stored order is the raw one for "/", so only the other anchors read it step by step.
    ...session("tie-other", "v-tie3", [
      ["/", 43],
      ["/docs", 44],
      ["/pricing", 44],
      ["/", 45],
    ]),
    // Across a UTC midnight: a range of whole days ending there cuts it out of its day's counts.
    ...session("midnight", "v-midnight", [
      ["/", midnight - 5],
      ["/pricing", midnight - 2],
      ["signup", midnight + 3],
    ]),
    // Repeats and passive events between them.
    ...session("repeats", "v-rep", [
      ["/", 50],
      ["/", 51],
      ["scroll", 52],
      ["/", 53],
      ["/docs", 54],
      ["/docs/tracker", 55],
    ]),
    // Without a session id: sessionised by the 30-minute rule, raw.
    ...session(null, "v-idless", [
      ["/", 60],
      ["/pricing", 65],
      ["/", 120],
      ["signup", 121],
    ]),
  ]);
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

async function both(input: QueryDefinitionInput, timezone: string, range: QueryRange) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, timezone, now };
  const [raw, rolled] = await Promise.all([runQuery({ ...base, useRollups: false }), runQuery(base)]);
  return { raw, rolled };
}

const pathQueries: QueryDefinitionInput[] = [
  { kind: "paths", start: { page: "/" } },
  { kind: "paths", start: { page: "/" }, steps: 10, limit: 20 },
  { kind: "paths", start: { page: "/docs*" }, steps: 2, limit: 2 },
  { kind: "paths", start: { event: "signup" }, steps: 3 },
  { kind: "paths", end: { event: "signup" } },
  { kind: "paths", end: { page: "/pricing" }, steps: 10, limit: 3 },
  { kind: "paths", end: { page: "/blog/*" }, steps: 1 },
];

/** Ranges: the last 30 days; ones starting or ending at the mark (cutting "span"); one cut mid-hour. */
const ranges = (): QueryRange[] => [
  { relative: "last_30_days" },
  { from: new Date(mark.getTime() - 2 * DAY).toISOString(), to: mark.toISOString() },
  { from: mark.toISOString(), to: new Date(mark.getTime() + 2 * DAY).toISOString() },
  { from: at(-15).toISOString(), to: at(41).toISOString() },
  // Whole UTC days (counts), ending and starting at the midnight "midnight" crosses.
  { from: at(midnight - 3 * 1440).toISOString(), to: at(midnight).toISOString() },
  { from: at(midnight).toISOString(), to: at(midnight + 2 * 1440).toISOString() },
];

async function expectEqual(queries: QueryDefinitionInput[], timezone: string, range: QueryRange) {
  for (const query of queries) {
    const { raw, rolled } = await both(query, timezone, range);
    expect(raw.meta.rollups).toBe(false);
    expect(rolled.meta.rollups, JSON.stringify([query, range])).toBe(true);
    expect(rolled.data, JSON.stringify([query, range, timezone])).toEqual(raw.data);
  }
}

describe.each(["UTC", "Europe/Paris", "Asia/Kolkata"])("in %s", (timezone) => {
  it("the step table answers paths exactly as raw events do, whole sessions and those a range cuts", async () => {
    for (const range of ranges()) await expectEqual(pathQueries, timezone, range);
  });
});

it("keeps each session's collapsed steps, and marks the steps at one instant", async () => {
  const { rows } = await getPool().query(
    `SELECT session_id, steps, tied, tied_labels FROM session_paths
     WHERE project_id = $1 AND session_id IN ('span', 'tie-start', 'tie-end', 'tie-other', 'repeats') ORDER BY session_id`,
    [tenant.projectId],
  );
  expect(rows).toEqual([
    { session_id: "repeats", steps: ["p:/", "p:/docs", "p:/docs/tracker"], tied: false, tied_labels: null },
    { session_id: "span", steps: ["p:/", "p:/pricing", "p:/", "e:signup", "p:/docs"], tied: false, tied_labels: null },
    {
      session_id: "tie-end",
      steps: ["p:/", "e:signup", "p:/pricing", "p:/docs"],
      tied: true,
      tied_labels: ["e:signup", "p:/pricing"],
    },
    {
      session_id: "tie-other",
      steps: ["p:/", "p:/docs", "p:/pricing", "p:/"],
      tied: true,
      tied_labels: ["p:/docs", "p:/pricing"],
    },
    {
      session_id: "tie-start",
      steps: ["p:/docs", "p:/", "p:/pricing", "p:/about"],
      tied: true,
      tied_labels: ["p:/", "p:/pricing"],
    },
  ]);
});

it("counts events that arrived after the refresh at once, and folds them into their place at the next", async () => {
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    // Late, in the middle of "repeats": its repeated "/" is split in two.
    ...session("repeats", "v-rep", [["/pricing", 52]]),
    // A new session, and one more event without a session id.
    ...session("late-new", "v-late", [
      ["/", 70],
      ["/docs", 71],
    ]),
    ...session(null, "v-idless", [["/docs", 122]]),
  ]);
  const queries = pathQueries.slice(0, 5);
  for (const range of ranges()) await expectEqual(queries, "Europe/Paris", range);
  await refreshRollups(getPool(), { wait: true });
  const { rows } = await getPool().query(
    "SELECT steps FROM session_paths WHERE project_id = $1 AND session_id IN ('repeats', 'late-new') ORDER BY session_id",
    [tenant.projectId],
  );
  expect(rows).toEqual([
    { steps: ["p:/", "p:/docs"] },
    { steps: ["p:/", "p:/pricing", "p:/", "p:/docs", "p:/docs/tracker"] },
  ]);
  for (const range of ranges()) await expectEqual(queries, "Europe/Paris", range);
});

it("keeps the paths counts equal to counting the stored sessions afresh, after late events moved them", async () => {
  const counts = `SELECT anchor, mode, day::text, pos, label, link, goes_on, sessions::int AS n FROM session_path_counts
    WHERE project_id = $1 ORDER BY 1, 2, 3, 4, 5, 6, 7`;
  const afresh = `SELECT anchor, mode, day::text, pos, label, link, goes_on, sum(n)::int AS n
    FROM (${stepCountRowsSql("(SELECT * FROM session_paths WHERE project_id = $1)", 1)}) r
    GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`;
  const [kept, recounted] = await Promise.all(
    [counts, afresh].map((text) => getPool().query(text, [tenant.projectId])),
  );
  expect(kept!.rows.length).toBeGreaterThan(100);
  expect(kept!.rows).toEqual(recounted!.rows);
  // "/" of the late-split "repeats" (its first "/"), one session from it: /, /pricing, /, /docs, ...
  const day = new Date(at(50).getTime()).toISOString().slice(0, 10);
  const { rows } = await getPool().query(
    `SELECT pos, label, link FROM session_path_counts
     WHERE project_id = $1 AND anchor = 'p:/pricing' AND mode = 's' AND day = $2::date AND pos <= 2 ORDER BY pos, label, link`,
    [tenant.projectId, day],
  );
  expect(rows).toEqual(expect.arrayContaining([{ pos: 1, label: "p:/", link: "p:/docs" }]));
});

it("leaves filtered queries and anchors that are not steps to raw events", async () => {
  const cases: QueryDefinitionInput[] = [
    { kind: "paths", start: { page: "/" }, filters: [{ field: "country", op: "equals", value: "US" }] },
    { kind: "paths", start: { event: "scroll" } },
    { kind: "paths", end: { event: "pageview" } },
  ];
  for (const query of cases) {
    const { raw, rolled } = await both(query, "UTC", { relative: "last_30_days" });
    expect(rolled.meta.rollups).toBe(false);
    expect(rolled.data).toEqual(raw.data);
  }
});
