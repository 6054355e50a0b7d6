// GET /api/v1/projects/{id}/suggestions over HTTP: the project's event names, property keys and
// values, most frequent first; only to readers of the project, never another tenant's; bad input 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signedInMember } from "../../testing/members";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase } from "../db/client";

let a: Tenant & { readKey: string };
let b: Tenant & { readKey: string };

async function tenantWithReadKey() {
  const tenant = await createTenant();
  const read = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" });
  return { ...tenant, readKey: read.key };
}

interface Answer {
  suggestions: { value: string; count: number; type?: string }[];
  complete: boolean;
  source: string;
}

/** Asked with a read key (Bearer) or a signed-in member's session cookie. */
function suggest(projectId: string, params: Record<string, string>, key?: string, cookie?: string) {
  return fetch(`${testBaseUrl()}/api/v1/projects/${projectId}/suggestions?${new URLSearchParams(params)}`, {
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(cookie ? { cookie } : {}) },
  });
}

async function values(params: Record<string, string>): Promise<Answer> {
  const response = await suggest(a.projectId, params, a.readKey);
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

const page = (path: string, extra: Record<string, unknown> = {}) => ({
  page: { url: `https://shop.example${path}`, title: `Shop ${path}` },
  ...extra,
});

beforeAll(async () => {
  a = await tenantWithReadKey();
  b = await tenantWithReadKey();
  const sent = await postEvents(
    {
      events: [
        { name: "pageview", context: page("/pricing", { utm: { source: "newsletter" } }) },
        { name: "pageview", context: page("/pricing") },
        { name: "pageview", context: page("/docs") },
        { name: "signup", properties: { plan: "pro", seats: 3, billing: { cycle: "yearly" } }, context: page("/") },
        { name: "signup", properties: { plan: "free", seats: 1 }, context: page("/") },
        { name: "Signup Started", properties: { plan: "pro", "bad key!": 1 }, context: page("/") },
      ],
    },
    { key: a.writeKey },
  );
  expect(sent.status).toBe(202);
  await postEvents(
    { events: [{ name: "secret_event", properties: { secret_key: "hidden", plan: "enterprise" } }] },
    { key: b.writeKey },
  );
});

afterAll(async () => {
  await closeDatabase();
});

describe("GET /api/v1/projects/{id}/suggestions", () => {
  it("offers the project's event names, most frequent first, those starting with the text before the rest", async () => {
    const all = await values({ kind: "event" });
    expect(all.suggestions.map((s) => s.value)).toEqual(["pageview", "signup", "Signup Started"]);
    expect(all.suggestions[0]!.count).toBe(3);
    expect(all).toMatchObject({ complete: true, source: "rollups" });
    expect((await values({ kind: "event", prefix: "SIGN" })).suggestions.map((s) => s.value)).toEqual([
      "signup",
      "Signup Started",
    ]);
    expect((await values({ kind: "event", prefix: "up" })).suggestions.map((s) => s.value)).toEqual([
      "signup",
      "Signup Started",
    ]);
    expect((await values({ kind: "event", prefix: "start" })).suggestions.map((s) => s.value)).toEqual([
      "Signup Started",
    ]);
    const one = await values({ kind: "event", limit: "1" });
    expect(one).toMatchObject({ suggestions: [{ value: "pageview", count: 3 }], complete: false });
  });

  it("offers property keys, nested ones as paths, with the JSON type they hold", async () => {
    const keys = await values({ kind: "property_key" });
    expect(keys.source).toBe("recent_events");
    expect(keys.suggestions).toEqual(
      expect.arrayContaining([
        { value: "plan", count: 3, type: "string" },
        { value: "seats", count: 2, type: "number" },
        { value: "billing", count: 1, type: "object" },
        { value: "billing.cycle", count: 1, type: "string" },
      ]),
    );
    expect(keys.suggestions[0]!.value).toBe("plan");
    // Keys a query cannot name are not offered; another project's keys never are.
    expect(keys.suggestions.map((s) => s.value)).not.toContain("bad key!");
    expect(keys.suggestions.map((s) => s.value)).not.toContain("secret_key");
    expect((await values({ kind: "property_key", prefix: "cy" })).suggestions.map((s) => s.value)).toEqual([
      "billing.cycle",
    ]);
  });

  it("offers a property's values, typed, and a dimension's values", async () => {
    const plans = await values({ kind: "property_value", key: "plan" });
    expect(plans.suggestions).toEqual([
      { value: "pro", count: 2, type: "string" },
      { value: "free", count: 1, type: "string" },
    ]);
    expect((await values({ kind: "property_value", key: "properties.seats" })).suggestions).toEqual([
      { value: "1", count: 1, type: "number" },
      { value: "3", count: 1, type: "number" },
    ]);
    expect((await values({ kind: "property_value", key: "billing.cycle" })).suggestions.map((s) => s.value)).toEqual([
      "yearly",
    ]);
    const paths = await values({ kind: "dimension_value", key: "path" });
    expect(paths).toMatchObject({ source: "rollups", complete: true });
    expect(paths.suggestions.slice(0, 2)).toEqual([
      { value: "/", count: 3 },
      { value: "/pricing", count: 2 },
    ]);
    expect((await values({ kind: "dimension_value", key: "utm_source" })).suggestions).toEqual([
      { value: "newsletter", count: 1 },
    ]);
    // Titles have no rollup: read from the latest events.
    const titles = await values({ kind: "dimension_value", key: "title", prefix: "pri" });
    expect(titles).toMatchObject({ source: "recent_events", suggestions: [{ value: "Shop /pricing", count: 2 }] });
  });

  it("answers only readers of the project", async () => {
    expect((await suggest(a.projectId, { kind: "event" })).status).toBe(401);
    const otherKey = await suggest(a.projectId, { kind: "event" }, b.readKey);
    expect(otherKey.status).toBe(404);
    expect(((await otherKey.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await suggest(a.projectId, { kind: "event" }, a.writeKey)).status).toBe(403);
    expect((await suggest("not-a-uuid", { kind: "event" }, a.readKey)).status).toBe(404);
  });

  it("answers signed-in members of the project's organization, whatever their role, and no one else's", async () => {
    const viewer = await signedInMember(a.organizationId, "viewer");
    const mine = await suggest(a.projectId, { kind: "event" }, undefined, viewer.cookie);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as Answer).suggestions.map((s) => s.value)).toContain("pageview");

    const outsider = await signedInMember(b.organizationId, "owner");
    const kinds: Record<string, string>[] = [
      { kind: "event" },
      { kind: "property_key" },
      { kind: "property_value", key: "plan" },
      { kind: "dimension_value", key: "path" },
    ];
    for (const params of kinds) {
      const response = await suggest(a.projectId, params, undefined, outsider.cookie);
      expect(response.status, JSON.stringify(params)).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
    // Each tenant's suggestions hold only its own events.
    const own = await suggest(b.projectId, { kind: "property_value", key: "plan" }, undefined, outsider.cookie);
    expect(((await own.json()) as Answer).suggestions.map((s) => s.value)).toEqual(["enterprise"]);
    const events = await values({ kind: "event", prefix: "secret" });
    expect(events.suggestions).toEqual([]);
    const plans = await values({ kind: "property_value", key: "plan" });
    expect(plans.suggestions.map((s) => s.value)).not.toContain("enterprise");
  });

  it("refuses bad input with 400 and a message naming the parameter", async () => {
    const cases: Record<string, string>[] = [
      {},
      { kind: "everything" },
      { kind: "property_value" },
      { kind: "property_value", key: "plan; DROP TABLE events" },
      { kind: "dimension_value", key: "event" },
      { kind: "dimension_value", key: "password" },
      { kind: "event", limit: "1000" },
      { kind: "event", limit: "two" },
      { kind: "event", prefix: "x".repeat(201) },
      { kind: "event", prefix: "a\u0000b" },
    ];
    for (const params of cases) {
      const response = await suggest(a.projectId, params, a.readKey);
      expect(response.status, JSON.stringify(params)).toBe(400);
      const body = (await response.json()) as { error: { code: string; details: { path: string }[] } };
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.details[0]!.path).toMatch(/^(kind|key|limit|prefix)$/);
    }
  });
});
