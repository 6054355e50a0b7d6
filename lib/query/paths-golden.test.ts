// Golden tests for the paths kind: hand-built sessions where every step, count, drop-off and link
// below was worked out by hand. All on 2026-05-04, read in UTC.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { ApiError } from "../errors";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import type { PathsResult } from "./results";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const day: QueryRange = { from: "2026-05-04", to: "2026-05-04" };
const now = new Date("2026-05-20T12:00:00Z");

/** A step of a seeded session: a page ("/x"), or an event's name; minutes after 10:00. */
type Step = [what: string, minute: number];

function session(actor: string, sessionId: string | null, steps: Step[], extra: Partial<EventRow> = {}): EventRow[] {
  return steps.map(([what, minute]) =>
    eventRow({
      name: what.startsWith("/") ? "pageview" : what,
      path: what.startsWith("/") ? what : null,
      timestamp: new Date(Date.UTC(2026, 4, 4, 10, minute)),
      anonymousId: actor,
      sessionId,
      ...extra,
    }),
  );
}

const fr = { country: "FR" };
const us = { country: "US" };
const seed = (): EventRow[] => [
  // Repeats collapse (/pricing twice); an event is a step; the path goes on after the start.
  ...session(
    "a1",
    "s1",
    [
      ["/", 0],
      ["/pricing", 1],
      ["/pricing", 2],
      ["signup", 3],
      ["/docs", 4],
    ],
    fr,
  ),
  ...session(
    "a2",
    "s2",
    [
      ["/", 0],
      ["/pricing", 1],
      ["/docs", 2],
    ],
    fr,
  ),
  // Passive and monitoring events are not steps: /docs, scroll, web_vitals, /docs is one /docs.
  ...session(
    "a3",
    "s3",
    [
      ["/", 0],
      ["/docs", 1],
      ["scroll", 2],
      ["web_vitals", 3],
      ["/docs", 4],
    ],
    us,
  ),
  // The path starts at the session's first "/", not at its first event.
  ...session(
    "a4",
    "s4",
    [
      ["/blog", 0],
      ["/", 1],
      ["/pricing", 2],
    ],
    us,
  ),
  // Only the start, repeated: one step, then the session ends.
  ...session(
    "a5",
    "s5",
    [
      ["/", 0],
      ["/", 1],
      ["/", 2],
    ],
    us,
  ),
  // Never on "/": not in the paths from it.
  ...session("a6", "s6", [["/pricing", 0]], us),
  // Without a session id: 40 minutes without events start a new session (/ -> /features, then
  // /pricing -> /).
  ...session(
    "zoe",
    null,
    [
      ["/", 0],
      ["/features", 10],
      ["/pricing", 50],
      ["/", 55],
    ],
    us,
  ),
  // Leading to signup: the steps before the session's first signup only.
  ...session(
    "a7",
    "s7",
    [
      ["/docs", 0],
      ["/pricing", 1],
      ["signup", 2],
      ["signup", 3],
      ["/about", 4],
    ],
    us,
  ),
  ...session("a8", "s8", [["signup", 0]], us),
];

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  const intruder = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-05-01"), new Date("2026-06-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed());
  // Another tenant's identical sessions in the same minutes must never be counted.
  await writeEvents(getPool(), intruder.organizationId, intruder.projectId, seed());
});

afterAll(async () => {
  await closeDatabase();
});

async function paths(input: Omit<Extract<QueryDefinitionInput, { kind: "paths" }>, "kind">, range = day) {
  const query = queryDefinitionSchema.parse({ kind: "paths", ...input });
  const { data } = await runQuery({
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query,
    range,
    timezone: "UTC",
    now,
  });
  return data as PathsResult;
}

const page = (value: string, count: number, drop_off: number) => ({ type: "page", value, count, drop_off });
const event = (value: string, count: number, drop_off: number) => ({ type: "event", value, count, drop_off });
const other = (count: number, drop_off: number) => ({ type: "other", value: null, count, drop_off });

describe("paths from a start", () => {
  it("follows each session from its first start, repeats collapsed, sessions split by 30 minutes", async () => {
    const result = await paths({ start: { page: "/" }, steps: 3, limit: 2 });
    expect(result.mode).toBe("start");
    expect(result.anchor).toEqual({ type: "page", value: "/" });
    expect(result.steps).toEqual([
      // s1, s2, s3, s4, s5 and zoe's two sessions; s5 and zoe's second end at the start.
      { position: 0, count: 7, drop_off: 2, nodes: [page("/", 7, 2)] },
      // /pricing (s1, s2, s4), /docs (s3) and /features (zoe) tie at 1: /docs wins by name, /features is other.
      {
        position: 1,
        count: 5,
        drop_off: 3,
        nodes: [page("/pricing", 3, 1), page("/docs", 1, 1), other(1, 1)],
      },
      { position: 2, count: 2, drop_off: 1, nodes: [event("signup", 1, 0), page("/docs", 1, 1)] },
      { position: 3, count: 1, drop_off: 1, nodes: [page("/docs", 1, 1)] },
    ]);
    expect(result.links).toEqual([
      { step: 0, from: 0, to: 0, count: 3 },
      { step: 0, from: 0, to: 1, count: 1 },
      { step: 0, from: 0, to: 2, count: 1 },
      { step: 1, from: 0, to: 0, count: 1 },
      { step: 1, from: 0, to: 1, count: 1 },
      { step: 2, from: 0, to: 0, count: 1 },
    ]);
  });

  it("keeps the top values of each step and groups the rest as other", async () => {
    const result = await paths({ start: { page: "/" }, steps: 1, limit: 1 });
    expect(result.steps[1]!.nodes).toEqual([page("/pricing", 3, 1), other(2, 2)]);
    expect(result.links).toEqual([
      { step: 0, from: 0, to: 0, count: 3 },
      { step: 0, from: 0, to: 1, count: 2 },
    ]);
  });

  it("starts from an event, or from pages matching a pattern (only * is a wildcard)", async () => {
    const fromSignup = await paths({ start: { event: "signup" }, steps: 1 });
    // s1 goes on to /docs; s7's second signup collapses into its first, then /about; s8 ends.
    expect(fromSignup.steps).toEqual([
      { position: 0, count: 3, drop_off: 1, nodes: [event("signup", 3, 1)] },
      { position: 1, count: 2, drop_off: 2, nodes: [page("/about", 1, 1), page("/docs", 1, 1)] },
    ]);
    const fromDocs = await paths({ start: { page: "/doc*" }, steps: 1 });
    expect(fromDocs.anchor).toEqual({ type: "page", value: "/doc*" });
    expect(fromDocs.steps[0]!.nodes).toEqual([page("/docs", 4, 3)]);
    expect(fromDocs.steps[1]!.nodes).toEqual([page("/pricing", 1, 0)]);
    const literal = await paths({ start: { page: "/d_c*" }, steps: 1 });
    expect(literal.steps.map((s) => s.count)).toEqual([0, 0]);
    expect(literal.links).toEqual([]);
  });

  it("applies the query's filters to the events, as every kind does", async () => {
    const result = await paths({
      start: { page: "/" },
      steps: 2,
      filters: [{ field: "country", op: "equals", value: "FR" }],
    });
    expect(result.steps).toEqual([
      { position: 0, count: 2, drop_off: 0, nodes: [page("/", 2, 0)] },
      { position: 1, count: 2, drop_off: 0, nodes: [page("/pricing", 2, 0)] },
      { position: 2, count: 2, drop_off: 1, nodes: [event("signup", 1, 0), page("/docs", 1, 1)] },
    ]);
  });
});

describe("paths to an end", () => {
  it("shows the steps before each session's first end, and where sessions began", async () => {
    const result = await paths({ end: { event: "signup" }, steps: 3 });
    expect(result.mode).toBe("end");
    expect(result.steps).toEqual([
      { position: -3, count: 0, drop_off: 0, nodes: [] },
      { position: -2, count: 2, drop_off: 2, nodes: [page("/", 1, 1), page("/docs", 1, 1)] },
      { position: -1, count: 2, drop_off: 0, nodes: [page("/pricing", 2, 0)] },
      // s1, s7 and s8, which began with its signup.
      { position: 0, count: 3, drop_off: 1, nodes: [event("signup", 3, 1)] },
    ]);
    expect(result.links).toEqual([
      { step: 1, from: 0, to: 0, count: 1 },
      { step: 1, from: 1, to: 0, count: 1 },
      { step: 2, from: 0, to: 0, count: 2 },
    ]);
  });
});

describe("bounds", () => {
  it("refuses more than 10 steps or 20 values per step, and wants exactly one of start and end", () => {
    const parse = (input: object) => queryDefinitionSchema.safeParse({ kind: "paths", ...input });
    expect(parse({ start: { page: "/" }, steps: 10, limit: 20 }).success).toBe(true);
    expect(parse({ start: { page: "/" }, steps: 11 }).success).toBe(false);
    expect(parse({ start: { page: "/" }, limit: 21 }).success).toBe(false);
    expect(parse({ start: { page: "/" }, steps: 0 }).success).toBe(false);
    expect(parse({}).success).toBe(false);
    expect(parse({ start: { page: "/" }, end: { event: "signup" } }).success).toBe(false);
    expect(parse({ start: { page: "" } }).success).toBe(false);
    expect(parse({ start: { page: "/", event: "signup" } }).success).toBe(false);
  });

  it("refuses a range over its budget as too expensive", async () => {
    const error = await paths({ start: { page: "/" } }, { from: "2026-01-01", to: "2026-05-04" }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("query_too_expensive");
  });
});
