// Segments over real HTTP against the built app: CRUD by role (analysts and up write, viewers and
// read keys read, other organizations see nothing), audited; a query naming a segment answers what
// the same filters inline answer, on the query API, report data, embeds (where a locked segment
// cannot be changed by the viewer) and alert rules; a segment in use is not deleted (409).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { evaluateRule, RULE_COLUMNS, type RuleRow } from "../alerts/evaluate";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { signEmbedToken } from "../embed/tokens";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import type { Filter } from "../query/schemas";
import { createProject } from "../workspace/workspace";
import type { SegmentView } from "./schemas";

type Auth = { cookie: string } | { key: string };

function call(auth: Auth, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${testBaseUrl()}${path}`, {
    method,
    headers: {
      ...("cookie" in auth ? { cookie: auth.cookie } : { authorization: `Bearer ${auth.key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; details?: { path: string }[] } }).error;
}

const did = (event: string): Filter => ({ field: "performed", op: "equals", value: event });
const german: Filter = { field: "country", op: "equals", value: "DE" };
/** Visitors who signed up, their German events: of ada, ben, cy and dee, only ada. */
const GERMAN_SIGNUPS = [did("signup"), german];

let tenant: Tenant;
let owner: SignedInMember;
let analyst: SignedInMember;
let viewer: SignedInMember;
let outsider: SignedInMember;
let readKey: string;
let adminKey: string;
const segmentsPath = () => `/api/v1/projects/${tenant.projectId}/segments`;

beforeAll(async () => {
  tenant = await createTenant();
  const elsewhere = await createTenant();
  [owner, analyst, viewer, outsider] = await Promise.all([
    signedInMember(tenant.organizationId, "owner"),
    signedInMember(tenant.organizationId, "analyst"),
    signedInMember(tenant.organizationId, "viewer"),
    signedInMember(elsewhere.organizationId, "owner"),
  ]);
  readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "read" })).key;
  adminKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "admin" })).key;
  const at = new Date(Date.now() - 3_600_000);
  const visit = (user: string, name: string, country: string) =>
    eventRow({ name, timestamp: at, userId: user, country });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    visit("ada", "pageview", "DE"),
    visit("ada", "signup", "DE"),
    visit("ben", "pageview", "DE"),
    visit("cy", "pageview", "FR"),
    visit("cy", "signup", "FR"),
    visit("dee", "pageview", "US"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

async function createSegment(name: string, filters: Filter[] = GERMAN_SIGNUPS): Promise<SegmentView> {
  const response = await call(analyst, "POST", segmentsPath(), { name, filters });
  expect(response.status).toBe(201);
  return (await response.json()) as SegmentView;
}

describe("segments CRUD", () => {
  it("lets analysts and up write, viewers and read keys read, and audits every change", async () => {
    const created = await createSegment("German signups");
    expect(created).toMatchObject({ name: "German signups", description: null, filters: GERMAN_SIGNUPS });
    const one = `${segmentsPath()}/${created.id}`;

    const listed = await call(viewer, "GET", segmentsPath());
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ can_edit: false, segments: [{ id: created.id }] });
    expect(await (await call(analyst, "GET", segmentsPath())).json()).toMatchObject({ can_edit: true });
    expect((await call({ key: readKey }, "GET", one)).status).toBe(200);

    for (const [method, body] of [
      ["POST", { name: "Mine", filters: [german] }],
      ["PATCH", { name: "Mine" }],
      ["DELETE", undefined],
    ] as const) {
      const denied = await call(viewer, method, method === "POST" ? segmentsPath() : one, body);
      expect(denied.status, method).toBe(403);
      expect((await errorOf(denied)).code).toBe("forbidden");
    }

    const renamed = await call(owner, "PATCH", one, { name: "Germans who signed up", description: "For sales" });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "Germans who signed up", description: "For sales" });
    expect((await call(analyst, "DELETE", one)).status).toBe(204);
    expect((await call(viewer, "GET", one)).status).toBe(404);

    const { rows } = await getPool().query<{ action: string; details: Record<string, unknown> }>(
      "SELECT action, details FROM audit_log WHERE target_type = 'segment' AND target_id = $1 ORDER BY id",
      [created.id],
    );
    expect(rows.map((r) => r.action)).toEqual(["segment.created", "segment.updated", "segment.deleted"]);
    // Filter values are event data: the entries name the segment, never what it filters on.
    expect(JSON.stringify(rows)).not.toContain('"DE"');
  });

  it("answers bad input with the one error shape, and names taken with 409", async () => {
    const bad = await call(analyst, "POST", segmentsPath(), {
      name: "Shoes",
      filters: [{ field: "shoe", op: "equals" }],
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("invalid_request");
    expect((await call(analyst, "POST", segmentsPath(), { name: "Empty", filters: [] })).status).toBe(400);
    await createSegment("Taken");
    const taken = await call(analyst, "POST", segmentsPath(), { name: "Taken", filters: [german] });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).code).toBe("conflict");
    expect((await call(analyst, "PATCH", `${segmentsPath()}/not-a-uuid`, { name: "x" })).status).toBe(404);
  });

  it("shows another organization nothing", async () => {
    const created = await createSegment("Private");
    expect((await call(outsider, "GET", segmentsPath())).status).toBe(404);
    expect((await call(outsider, "GET", `${segmentsPath()}/${created.id}`)).status).toBe(404);
    expect((await call(outsider, "DELETE", `${segmentsPath()}/${created.id}`)).status).toBe(404);
    const outsiderKey = (
      await createApiKey({ organizationId: (await createTenant()).organizationId, kind: "read", name: "r" })
    ).key;
    expect((await call({ key: outsiderKey }, "GET", segmentsPath())).status).toBe(404);
  });
});

const metricQuery = (filters: Filter[] = [], segment?: string) => ({
  kind: "metric",
  measure: { type: "unique_users" },
  compare: false,
  filters,
  ...(segment ? { segment } : {}),
});

async function queryValue(body: Record<string, unknown>): Promise<number> {
  const response = await call({ key: readKey }, "POST", "/api/v1/query", {
    project_id: tenant.projectId,
    range: { relative: "last_24_hours" },
    timezone: "UTC",
    ...body,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { value: number } }).data.value;
}

describe("a query naming a segment", () => {
  it("answers what the same filters inline answer, in the definition or the request", async () => {
    const { id } = await createSegment("Inline twin");
    expect(await queryValue({ query: metricQuery() })).toBe(4);
    const inline = await queryValue({ query: metricQuery(GERMAN_SIGNUPS) });
    expect(inline).toBe(1);
    expect(await queryValue({ query: metricQuery([], id) })).toBe(inline);
    expect(await queryValue({ query: metricQuery(), segment: id })).toBe(inline);
    const breakdown = (body: Record<string, unknown>) =>
      call({ key: readKey }, "POST", "/api/v1/query", {
        project_id: tenant.projectId,
        range: { relative: "last_24_hours" },
        ...body,
      }).then((r) => r.json() as Promise<{ data: unknown }>);
    const byEvent = { kind: "breakdown", dimension: "event" };
    expect((await breakdown({ query: byEvent, segment: id })).data).toEqual(
      (await breakdown({ query: { ...byEvent, filters: GERMAN_SIGNUPS } })).data,
    );
  });

  it("refuses an unknown or another project's segment with a 400", async () => {
    const sibling = await createProject(tenant.organizationId, { name: "Sibling", timezone: "UTC" });
    const { id } = await createSegment("Only here");
    const response = await call({ key: readKey }, "POST", "/api/v1/query", {
      project_id: sibling.id,
      query: metricQuery(),
      segment: id,
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "invalid_request",
      details: [{ path: "segment", message: "No such segment in this project" }],
    });
    const malformed = await call({ key: readKey }, "POST", "/api/v1/query", {
      project_id: tenant.projectId,
      query: metricQuery([], "nope"),
    });
    expect(malformed.status).toBe(400);
  });

  it("applies a report-level segment to every widget, and refuses saving a widget with an unknown one", async () => {
    const { id } = await createSegment("Report level");
    const report = await (
      await call(analyst, "POST", `/api/v1/projects/${tenant.projectId}/reports`, { name: "R" })
    ).json();
    const { id: reportId } = report as { id: string };
    const added = await call(analyst, "POST", `/api/v1/reports/${reportId}/widgets`, {
      title: "Visitors",
      query: metricQuery(),
      viz: { type: "metric" },
    });
    expect(added.status).toBe(201);
    const data = async (search: string) => {
      const response = await call({ key: readKey }, "GET", `/api/v1/reports/${reportId}/data?${search}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { widgets: { data: { value: number } }[] }).widgets[0]!.data.value;
    };
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    expect(await data(`from=${from}&to=${to}`)).toBe(4);
    expect(await data(`from=${from}&to=${to}&segment=${id}`)).toBe(1);
    const unknown = await call(analyst, "POST", `/api/v1/reports/${reportId}/widgets`, {
      title: "Nobody's",
      query: metricQuery([], "0b6f7c1e-4a1d-4c55-9a49-1f2b3c4d5e6f"),
      viz: { type: "metric" },
    });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).details).toEqual([
      { path: "query.segment", message: "No such segment in this project" },
    ]);
  });
});

describe("embeds locked to a segment", () => {
  async function embedReport() {
    const report = await getPrisma().report.create({
      data: {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        name: "Embedded",
        widgets: { create: [{ title: "Visitors", query: metricQuery(), viz: { type: "metric" } }] },
      },
    });
    return report.id;
  }
  const embedValue = async (token: string, search = "") => {
    const response = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data${search}`);
    expect(response.status, search).toBe(200);
    return ((await response.json()) as { widgets: { result: { value: number } }[] }).widgets[0]!.result.value;
  };

  it("shows only the segment's visitors, whatever the viewer asks, for Lumen-issued and customer-signed tokens", async () => {
    const { id } = await createSegment("Embedded Germans");
    const reportId = await embedReport();
    const issued = await call({ key: adminKey }, "POST", "/api/v1/embeds", {
      report_id: reportId,
      params: { segment: id, range: { relative: "last_24_hours" }, timezone: "UTC" },
      editable: ["country", "range"],
    });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    const secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
    const signed = await signEmbedToken(
      tenant.projectId,
      secret,
      {
        resource: { type: "report", id: reportId },
        params: { segment: id, range: { relative: "last_24_hours" }, timezone: "UTC" },
        editable: ["country"],
      },
      new Date(Date.now() + 3_600_000),
    );
    for (const lockedToken of [token, signed]) {
      // The viewer is told which segment they are reading, by name.
      const described = await fetch(`${testBaseUrl()}/api/v1/embed/${lockedToken}`);
      expect(((await described.json()) as { segment: unknown }).segment).toEqual({ id, name: "Embedded Germans" });
      expect(await embedValue(lockedToken)).toBe(1);
      // Not a choice: ignored, the lock stays.
      expect(await embedValue(lockedToken, "?segment=")).toBe(1);
      // A viewer's filter only narrows the lock.
      expect(await embedValue(lockedToken, "?filter.country=FR")).toBe(0);
      const asFilter = await fetch(`${testBaseUrl()}/api/v1/embed/${lockedToken}/data?filter.segment=${id}`);
      expect(asFilter.status).toBeGreaterThanOrEqual(400);
      expect(asFilter.status).toBeLessThan(500);
    }
    // The segment cannot be made editable, nor locked to one this project does not have.
    const editable = await call({ key: adminKey }, "POST", "/api/v1/embeds", {
      report_id: reportId,
      editable: ["segment"],
    });
    expect(editable.status).toBe(400);
    const foreign = await call({ key: adminKey }, "POST", "/api/v1/embeds", {
      report_id: reportId,
      params: { segment: "0b6f7c1e-4a1d-4c55-9a49-1f2b3c4d5e6f" },
    });
    expect(foreign.status).toBe(400);
    expect((await errorOf(foreign)).details).toEqual([
      { path: "params.segment", message: "No such segment in this project" },
    ]);
  });

  it("refuses to delete a segment an embed, widget or alert rule uses, listing them (409)", async () => {
    const { id } = await createSegment("In use");
    const reportId = await embedReport();
    const issued = await call({ key: adminKey }, "POST", "/api/v1/embeds", {
      report_id: reportId,
      params: { segment: id },
    });
    const { id: embedId } = (await issued.json()) as { id: string };
    const refused = await call(analyst, "DELETE", `${segmentsPath()}/${id}`);
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error.code).toBe("conflict");
    expect(error.details).toEqual([{ path: `embeds.${embedId}`, message: "a report embed locked to it" }]);
    expect(
      (await call({ key: adminKey }, "DELETE", `/api/v1/projects/${tenant.projectId}/embeds/${embedId}`)).status,
    ).toBe(204);
    expect((await call(analyst, "DELETE", `${segmentsPath()}/${id}`)).status).toBe(204);
  });
});

describe("alert rules with a segment", () => {
  it("watch only the segment's visitors, and refuse a segment the project does not have", async () => {
    const { id } = await createSegment("Alerted Germans");
    const rule = (segment: string) => ({
      project_id: tenant.projectId,
      name: "German signups",
      query: { kind: "metric", measure: { type: "unique_users" }, segment },
      window: { minutes: 120 },
      condition: { type: "threshold", op: "above", value: 0 },
    });
    const unknown = await call(analyst, "POST", "/api/v1/alerts", rule("0b6f7c1e-4a1d-4c55-9a49-1f2b3c4d5e6f"));
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).details).toEqual([
      { path: "query.segment", message: "No such segment in this project" },
    ]);

    const created = await call(analyst, "POST", "/api/v1/alerts", rule(id));
    expect(created.status).toBe(201);
    const { id: ruleId } = (await created.json()) as { id: string };
    const row = (await getPool().query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [ruleId]))
      .rows[0] as RuleRow;
    const outcome = await evaluateRule(row, new Date());
    expect(outcome.recorded).toBe(true);
    const { rows } = await getPool().query<{ value: number }>(
      "SELECT value FROM alert_evaluations WHERE rule_id = $1 ORDER BY at DESC LIMIT 1",
      [ruleId],
    );
    // One visitor (ada) of the four: the segment applies to what the rule measures.
    expect(rows[0]?.value).toBe(1);

    const refused = await call(analyst, "DELETE", `${segmentsPath()}/${id}`);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).details).toEqual([
      { path: `alert_rules.${ruleId}`, message: 'alert rule "German signups"' },
    ]);
  });
});
