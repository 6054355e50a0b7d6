// The goals API over real HTTP against the built app: owners, admins and analysts (and admin keys)
// create, change and delete a project's goals, each change audited; viewers and read keys list them;
// another organization sees nothing; bad input is a 400 naming the field. Then the query API
// answering each goal measure, and refusing a goal that is not the project's.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, daysAgoAt, heldClock, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import { type GoalView, MAX_GOALS_PER_PROJECT } from "./schemas";

type Auth = { cookie: string } | { key: string } | null;

function call(auth: Auth, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${testBaseUrl()}${path}`, {
    method,
    headers: {
      ...(auth === null ? {} : "cookie" in auth ? { cookie: auth.cookie } : { authorization: `Bearer ${auth.key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

const goalsPath = (projectId: string) => `/api/v1/projects/${projectId}/goals`;
const signupGoal = { name: "Signed up", definition: { type: "event", event: "signup" } };

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; details?: { path: string }[] } }).error;
}

let tenant: Tenant;
let other: Tenant;
let owner: SignedInMember;
let analyst: SignedInMember;
let viewer: SignedInMember;
let outsider: SignedInMember;
let readKey: string;
let adminKey: string;
let adminKeyId: string;

beforeAll(async () => {
  [tenant, other] = await Promise.all([createTenant(), createTenant()]);
  [owner, analyst, viewer, outsider] = await Promise.all([
    signedInMember(tenant.organizationId, "owner"),
    signedInMember(tenant.organizationId, "analyst"),
    signedInMember(tenant.organizationId, "viewer"),
    signedInMember(other.organizationId, "owner"),
  ]);
  readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" })).key;
  const admin = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "backend" });
  [adminKey, adminKeyId] = [admin.key, admin.id];
});

afterAll(async () => {
  await closeDatabase();
});

describe("goals CRUD", () => {
  it("lets an analyst create, rename, redefine and delete a goal, each change audited", async () => {
    const created = await call(analyst, "POST", goalsPath(tenant.projectId), {
      name: "  Pro signup ",
      definition: {
        type: "event",
        event: "signup",
        conditions: [{ field: "properties.plan", op: "equals", value: "pro" }],
      },
    });
    expect(created.status).toBe(201);
    const goal = (await created.json()) as GoalView;
    expect(goal).toMatchObject({
      project_id: tenant.projectId,
      name: "Pro signup",
      definition: { type: "event", event: "signup", conditions: [{ field: "properties.plan", value: "pro" }] },
    });

    const renamed = await call(analyst, "PATCH", `${goalsPath(tenant.projectId)}/${goal.id}`, { name: "Pro" });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as GoalView).name).toBe("Pro");
    const redefined = await call(owner, "PATCH", `${goalsPath(tenant.projectId)}/${goal.id}`, {
      definition: { type: "page", path: "/pricing" },
    });
    expect(((await redefined.json()) as GoalView).definition).toEqual({ type: "page", path: "/pricing" });

    const listed = (await (await call(viewer, "GET", goalsPath(tenant.projectId))).json()) as { goals: GoalView[] };
    expect(listed.goals.find((g) => g.id === goal.id)).toMatchObject({ name: "Pro", definition: { path: "/pricing" } });

    expect((await call(analyst, "DELETE", `${goalsPath(tenant.projectId)}/${goal.id}`)).status).toBe(204);
    expect((await call(analyst, "DELETE", `${goalsPath(tenant.projectId)}/${goal.id}`)).status).toBe(404);

    const entries = await getPrisma().auditEntry.findMany({
      where: { organizationId: tenant.organizationId, targetId: goal.id },
      orderBy: { id: "asc" },
    });
    expect(entries.map((e) => [e.action, e.actorUserId])).toEqual([
      ["goal.created", analyst.userId],
      ["goal.changed", analyst.userId],
      ["goal.changed", owner.userId],
      ["goal.deleted", analyst.userId],
    ]);
    expect(entries[0]!.details).toMatchObject({ name: "Pro signup", definition: "Event signup where Plan is pro" });
  });

  it("lets viewers and read keys list goals, and refuses them any change (403)", async () => {
    const created = (await (await call(owner, "POST", goalsPath(tenant.projectId), signupGoal)).json()) as GoalView;
    for (const auth of [viewer, { key: readKey }]) {
      const listed = await call(auth, "GET", goalsPath(tenant.projectId));
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { goals: GoalView[] }).goals.map((g) => g.id)).toContain(created.id);
    }
    for (const auth of [viewer, { key: readKey }]) {
      const refused = [
        await call(auth, "POST", goalsPath(tenant.projectId), { ...signupGoal, name: "Mine" }),
        await call(auth, "PATCH", `${goalsPath(tenant.projectId)}/${created.id}`, { name: "Mine" }),
        await call(auth, "DELETE", `${goalsPath(tenant.projectId)}/${created.id}`),
      ];
      for (const response of refused) {
        expect(response.status).toBe(403);
        expect((await errorOf(response)).code).toBe("forbidden");
      }
    }
    expect(await getPrisma().goal.findUnique({ where: { id: created.id } })).toMatchObject({ name: "Signed up" });
  });

  it("lets an admin key manage goals, recorded as the key", async () => {
    const created = await call({ key: adminKey }, "POST", goalsPath(tenant.projectId), {
      name: "Blog",
      definition: { type: "page", path: "/blog/*" },
    });
    expect(created.status).toBe(201);
    const goal = (await created.json()) as GoalView;
    const entry = await getPrisma().auditEntry.findFirstOrThrow({ where: { targetId: goal.id } });
    expect(entry).toMatchObject({ action: "goal.created", actorKind: "api_key", actorKeyId: adminKeyId });
  });

  it("hides the project and its goals from another organization (404) and from no one signed in (401)", async () => {
    const goal = (await (
      await call(owner, "POST", goalsPath(tenant.projectId), { ...signupGoal, name: "Hidden" })
    ).json()) as GoalView;
    for (const [method, path, body] of [
      ["GET", goalsPath(tenant.projectId)],
      ["POST", goalsPath(tenant.projectId), { ...signupGoal, name: "Theirs" }],
      ["PATCH", `${goalsPath(tenant.projectId)}/${goal.id}`, { name: "Theirs" }],
      ["DELETE", `${goalsPath(tenant.projectId)}/${goal.id}`],
    ] as [string, string, unknown?][]) {
      expect((await call(outsider, method, path, body)).status).toBe(404);
      expect((await call(null, method, path, body)).status).toBe(401);
    }
    // A goal id of this project under another project's path is no goal there.
    const elsewhere = await call(outsider, "DELETE", `${goalsPath(other.projectId)}/${goal.id}`);
    expect(elsewhere.status).toBe(404);
    expect(await getPrisma().goal.findUnique({ where: { id: goal.id } })).not.toBeNull();
  });

  it.each<[string, unknown, string]>([
    ["an empty name", { name: "  ", definition: { type: "event", event: "signup" } }, "name"],
    ["no definition", { name: "x" }, "definition"],
    ["an unknown type", { name: "x", definition: { type: "click", event: "a" } }, "definition.type"],
    ["an event goal without its event", { name: "x", definition: { type: "event" } }, "definition.event"],
    ["a path not starting with /", { name: "x", definition: { type: "page", path: "blog/*" } }, "definition.path"],
    [
      "a condition on something other than a property",
      {
        name: "x",
        definition: { type: "event", event: "a", conditions: [{ field: "country", op: "equals", value: "FR" }] },
      },
      "definition.conditions[0].field",
    ],
    [
      "six conditions",
      {
        name: "x",
        definition: {
          type: "event",
          event: "a",
          conditions: Array.from({ length: 6 }, () => ({ field: "properties.a", op: "is_set" })),
        },
      },
      "definition.conditions",
    ],
    ["the NUL character", { name: "a\u0000b", definition: { type: "event", event: "a" } }, "name"],
  ])("refuses %s with a 400 naming the field", async (_, body, path) => {
    const response = await call(analyst, "POST", goalsPath(tenant.projectId), body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("invalid_request");
    expect(error.details?.map((d) => d.path)).toContain(path);
  });

  it("refuses a body that is not JSON, a change with nothing in it, and an id that is not a UUID", async () => {
    expect((await call(analyst, "POST", goalsPath(tenant.projectId), "{not json")).status).toBe(400);
    const goal = (await (
      await call(analyst, "POST", goalsPath(tenant.projectId), { ...signupGoal, name: "Unchanged" })
    ).json()) as GoalView;
    expect((await call(analyst, "PATCH", `${goalsPath(tenant.projectId)}/${goal.id}`, {})).status).toBe(400);
    expect((await call(analyst, "DELETE", `${goalsPath(tenant.projectId)}/not-a-uuid`)).status).toBe(404);
  });

  it("refuses a second goal with a name the project uses, and goals past the limit (409)", async () => {
    const project = await createTenant();
    const member = await signedInMember(project.organizationId, "analyst");
    const make = (name: string) =>
      call(member, "POST", goalsPath(project.projectId), { name, definition: { type: "page", path: `/${name}` } });
    expect((await make("first")).status).toBe(201);
    const duplicate = await make("first");
    expect(duplicate.status).toBe(409);
    expect((await errorOf(duplicate)).details?.[0]?.path).toBe("name");
    for (let i = 1; i < MAX_GOALS_PER_PROJECT; i++) expect((await make(`goal-${i}`)).status).toBe(201);
    const over = await make("one-too-many");
    expect(over.status).toBe(409);
    expect((await errorOf(over)).message).toContain(`at most ${MAX_GOALS_PER_PROJECT} goals`);
  });
});

describe("goal measures through the query API", () => {
  let project: Tenant;
  let goalId: string;
  let reader: string;
  /** "Today" for the queries: noon UTC yesterday, held on the server, with the pageviews at 10:00. */
  const now = daysAgoAt(1, 12);

  beforeAll(async () => {
    project = await createTenant();
    reader = (await createApiKey({ organizationId: project.organizationId, kind: "read", name: "reader" })).key;
    const pageview = (visitor: string, path: string) => ({
      name: "pageview",
      anonymous_id: visitor,
      timestamp: new Date(now.getTime() - 2 * 3_600_000).toISOString(),
      context: { page: { url: `https://a.example${path}` } },
    });
    const events = [
      pageview("v1", "/pricing"),
      pageview("v1", "/pricing"),
      pageview("v2", "/"),
      pageview("v3", "/docs"),
      pageview("v4", "/pricing"),
    ];
    expect((await postEvents({ events }, { key: project.writeKey })).status).toBe(202);
    const projectOwner = await signedInMember(project.organizationId, "owner");
    const created = await call(projectOwner, "POST", goalsPath(project.projectId), {
      name: "Pricing",
      definition: { type: "page", path: "/pricing" },
    });
    goalId = ((await created.json()) as GoalView).id;
  });

  const query = (q: unknown) =>
    fetch(`${testBaseUrl()}/api/v1/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}`, "content-type": "application/json", ...heldClock(now) },
      body: JSON.stringify({ project_id: project.projectId, query: q, range: { relative: "today" }, timezone: "UTC" }),
    });

  it.each<[string, number]>([
    ["goal_completions", 3],
    ["goal_visitors", 2],
    ["goal_conversion_rate", 0.5],
  ])("answers %s as a metric", async (type, expected) => {
    const response = await query({ kind: "metric", measure: { type, goal: goalId } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { value: number } }).data.value).toBe(expected);
  });

  it("answers a trend and a breakdown of the conversion rate", async () => {
    const trend = await query({
      kind: "trend",
      interval: "day",
      measure: { type: "goal_conversion_rate", goal: goalId },
    });
    expect(trend.status).toBe(200);
    const series = ((await trend.json()) as { data: { series: { total: number }[] } }).data.series;
    expect(series[0]!.total).toBe(0.5);
    const breakdown = await query({
      kind: "breakdown",
      dimension: "path",
      measure: { type: "goal_visitors", goal: goalId },
    });
    expect(breakdown.status).toBe(200);
    const rows = ((await breakdown.json()) as { data: { rows: { value: string; measure: number }[] } }).data.rows;
    expect(rows).toEqual([{ value: "/pricing", measure: 2 }]);
  });

  it("refuses another project's goal, an unknown one and a malformed one with a 400 naming the field", async () => {
    const foreign = (await (
      await call(owner, "POST", goalsPath(tenant.projectId), {
        name: "Foreign",
        definition: { type: "page", path: "/x" },
      })
    ).json()) as GoalView;
    for (const goal of [foreign.id, randomUUID(), "pricing"]) {
      const response = await query({ kind: "metric", measure: { type: "goal_visitors", goal } });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("invalid_request");
      expect(error.details?.map((d) => d.path)).toContain("query.measure.goal");
    }
  });
});
