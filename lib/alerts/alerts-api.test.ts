// The alerts API over real HTTP: who may read, create, change and delete rules and channels, what
// each sees, and bad input answered with the one error shape (never a 500).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpReceiver } from "../../testing/alert-receivers";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import { MEASURE_TYPES } from "../query/vocabulary";
import { joinConversionFilter, measureOfChoice } from "./measure-choice";
import { verifySignature } from "./signature";

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

const rule = (projectId: string, extra: Record<string, unknown> = {}) => ({
  project_id: projectId,
  name: "Errors spike",
  query: { kind: "metric", event: "error", measure: { type: "count" } },
  window: { minutes: 5 },
  condition: { type: "threshold", op: "above", value: 10 },
  ...extra,
});

let tenant: Tenant;
let owner: SignedInMember;
let analyst: SignedInMember;
let otherAnalyst: SignedInMember;
let viewer: SignedInMember;
let receiver: HttpReceiver;

beforeAll(async () => {
  tenant = await createTenant();
  [owner, analyst, otherAnalyst, viewer] = await Promise.all([
    signedInMember(tenant.organizationId, "owner"),
    signedInMember(tenant.organizationId, "analyst"),
    signedInMember(tenant.organizationId, "analyst"),
    signedInMember(tenant.organizationId, "viewer"),
  ]);
  receiver = await HttpReceiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await closeDatabase();
});

describe("rules", () => {
  it("lets analysts create and change their own rules, viewers read, and admins change any", async () => {
    const created = await call(analyst, "POST", "/api/v1/alerts", rule(tenant.projectId));
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; state: string; can_edit: boolean; condition: unknown };
    expect(body).toMatchObject({
      state: "ok",
      can_edit: true,
      condition: { type: "threshold", op: "above", value: 10 },
    });

    expect((await call(viewer, "POST", "/api/v1/alerts", rule(tenant.projectId))).status).toBe(403);
    const listed = (await (await call(viewer, "GET", `/api/v1/alerts?project_id=${tenant.projectId}`)).json()) as {
      rules: { id: string; can_edit: boolean }[];
    };
    expect(listed.rules).toEqual([expect.objectContaining({ id: body.id, can_edit: false })]);

    const denied = await call(otherAnalyst, "PATCH", `/api/v1/alerts/${body.id}`, { name: "Mine now" });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect((await call(viewer, "DELETE", `/api/v1/alerts/${body.id}`)).status).toBe(403);

    const muted = await call(analyst, "PATCH", `/api/v1/alerts/${body.id}`, { muted_until: "2030-01-01T00:00:00Z" });
    expect(muted.status).toBe(200);
    expect(((await muted.json()) as { muted_until: string }).muted_until).toBe("2030-01-01T00:00:00.000Z");
    const renamed = await call(owner, "PATCH", `/api/v1/alerts/${body.id}`, { name: "Renamed by the owner" });
    expect(((await renamed.json()) as { name: string }).name).toBe("Renamed by the owner");

    const history = await call(viewer, "GET", `/api/v1/alerts/${body.id}/history`);
    expect(await history.json()).toEqual({ evaluations: [], transitions: [], notifications: [] });
    expect((await call(analyst, "DELETE", `/api/v1/alerts/${body.id}`)).status).toBe(204);
    expect((await call(viewer, "GET", `/api/v1/alerts/${body.id}`)).status).toBe(404);
  });

  it("takes an admin key of the organization, and hides other organizations' projects", async () => {
    const key = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "alerts" });
    const created = await call({ key: key.key }, "POST", "/api/v1/alerts", rule(tenant.projectId));
    expect(created.status).toBe(201);
    const other = await createTenant();
    const otherKey = await createApiKey({ organizationId: other.organizationId, kind: "admin", name: "alerts" });
    expect((await call({ key: otherKey.key }, "POST", "/api/v1/alerts", rule(tenant.projectId))).status).toBe(404);
    const { id } = (await created.json()) as { id: string };
    expect((await call({ key: otherKey.key }, "GET", `/api/v1/alerts/${id}`)).status).toBe(404);
    expect((await call(analyst, "PATCH", `/api/v1/alerts/${id}`, { enabled: false })).status).toBe(403);
    const readKey = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "r" });
    expect((await call({ key: readKey.key }, "GET", `/api/v1/alerts?project_id=${tenant.projectId}`)).status).toBe(403);
    expect((await fetch(`${testBaseUrl()}/api/v1/alerts?project_id=${tenant.projectId}`)).status).toBe(401);
  });

  it("answers bad input with 400 and the fields named, unknown ids with 404", async () => {
    const cases: [unknown, string][] = [
      [rule(tenant.projectId, { condition: { type: "threshold", op: "over", value: 1 } }), "condition.op"],
      [rule(tenant.projectId, { window: { minutes: 0 } }), "window"],
      [rule(tenant.projectId, { query: { kind: "funnel", steps: [] } }), "query"],
      [rule(tenant.projectId, { channel_ids: ["5e0b2bcb-4c3f-4b69-9b0d-4f7c5d0f9f11"] }), "channel_ids"],
      [rule(tenant.projectId, { condition: { type: "anomaly", weeks: 1 } }), "condition.weeks"],
      [{ ...rule(tenant.projectId), surprise: 1 }, ""],
    ];
    for (const [body, path] of cases) {
      const response = await call(analyst, "POST", "/api/v1/alerts", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { error: { code: string; details?: { path: string }[] } }).error;
      expect(error.code).toBe("invalid_request");
      if (path)
        expect(
          error.details?.some((d) => d.path.startsWith(path)),
          JSON.stringify(error),
        ).toBe(true);
    }
    expect((await call(analyst, "POST", "/api/v1/alerts", rule("not-a-project"))).status).toBe(400);
    expect((await call(analyst, "GET", "/api/v1/alerts?project_id=nope")).status).toBe(404);
    expect((await call(analyst, "GET", "/api/v1/alerts/not-a-uuid")).status).toBe(404);
    expect((await call(analyst, "GET", "/api/v1/alerts/5e0b2bcb-4c3f-4b69-9b0d-4f7c5d0f9f11/history")).status).toBe(
      404,
    );
    const broken = await fetch(`${testBaseUrl()}/api/v1/alerts`, {
      method: "POST",
      headers: { cookie: analyst.cookie, "content-type": "application/json" },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
  });

  it("takes every measure of the query language, and a goal only of the rule's project", async () => {
    const [own, elsewhere] = await Promise.all(
      [tenant, await createTenant()].map((t) =>
        getPrisma().goal.create({
          data: {
            organizationId: t.organizationId,
            projectId: t.projectId,
            name: `Signed up ${t.projectId}`,
            definition: { type: "event", event: "signup", conditions: [] },
          },
        }),
      ),
    );
    const inputs = { property: "amount", goal: own!.id };
    for (const type of MEASURE_TYPES) {
      const measure = measureOfChoice(type, inputs);
      const filters = joinConversionFilter(measure, [], "signup");
      const created = await call(
        analyst,
        "POST",
        "/api/v1/alerts",
        rule(tenant.projectId, { name: type, query: { kind: "metric", measure, filters } }),
      );
      expect(created.status, type).toBe(201);
    }
    for (const method of ["POST", "PATCH"] as const) {
      const foreign = { kind: "metric", measure: { type: "goal_visitors", goal: elsewhere!.id } };
      const response =
        method === "POST"
          ? await call(analyst, "POST", "/api/v1/alerts", rule(tenant.projectId, { query: foreign }))
          : await call(analyst, "PATCH", `/api/v1/alerts/${await ruleId()}`, { query: foreign });
      expect(response.status, method).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: "invalid_request", details: [{ path: "query.measure.goal" }] },
      });
    }
  });
});

async function ruleId(): Promise<string> {
  const created = await call(analyst, "POST", "/api/v1/alerts", rule(tenant.projectId));
  return ((await created.json()) as { id: string }).id;
}

describe("channels", () => {
  it("are managed by admins, who see the webhook secret once; others see names and kinds", async () => {
    expect(
      (
        await call(analyst, "POST", "/api/v1/alerts/channels", {
          project_id: tenant.projectId,
          name: "x",
          kind: "in_app",
        })
      ).status,
    ).toBe(403);
    const created = await call(owner, "POST", "/api/v1/alerts/channels", {
      project_id: tenant.projectId,
      name: "Ops webhook",
      kind: "webhook",
      url: `${receiver.url}/hook`,
    });
    expect(created.status).toBe(201);
    const channel = (await created.json()) as { id: string; secret: string; config: { url: string } };
    expect(channel.secret).toMatch(/^[0-9a-f]{64}$/);

    const asOwner = (await (
      await call(owner, "GET", `/api/v1/alerts/channels?project_id=${tenant.projectId}`)
    ).json()) as {
      channels: Record<string, unknown>[];
    };
    expect(asOwner.channels[0]).toMatchObject({ id: channel.id, config: { url: `${receiver.url}/hook` } });
    expect(asOwner.channels[0]).not.toHaveProperty("secret");
    const asAnalyst = (await (
      await call(analyst, "GET", `/api/v1/alerts/channels?project_id=${tenant.projectId}`)
    ).json()) as { channels: Record<string, unknown>[] };
    expect(asAnalyst.channels[0]).toEqual({
      id: channel.id,
      project_id: tenant.projectId,
      name: "Ops webhook",
      kind: "webhook",
      created_at: expect.any(String),
    });

    expect((await call(analyst, "POST", `/api/v1/alerts/channels/${channel.id}/test`)).status).toBe(403);
    const tested = await call(owner, "POST", `/api/v1/alerts/channels/${channel.id}/test`);
    expect(await tested.json()).toEqual({ ok: true, status_code: 200, error: null });
    const [received] = receiver.on("/hook");
    expect(received).toBeDefined();
    const headers = received?.headers ?? {};
    expect(
      verifySignature(
        channel.secret,
        String(headers["x-lumen-timestamp"]),
        received?.body ?? "",
        String(headers["x-lumen-signature"]),
      ),
    ).toBe(true);
    expect(received?.json).toMatchObject({ test: true, state: "firing", value: 42, threshold: 10 });

    receiver.failing.set("/down", 500);
    const down = (await (
      await call(owner, "POST", "/api/v1/alerts/channels", {
        project_id: tenant.projectId,
        name: "Down",
        kind: "slack",
        url: `${receiver.url}/down`,
      })
    ).json()) as { id: string };
    expect(await (await call(owner, "POST", `/api/v1/alerts/channels/${down.id}/test`)).json()).toEqual({
      ok: false,
      status_code: 500,
      error: "The receiver answered 500",
    });

    const withChannel = await call(
      analyst,
      "POST",
      "/api/v1/alerts",
      rule(tenant.projectId, { channel_ids: [channel.id] }),
    );
    expect(withChannel.status).toBe(201);
    const { id: ruleId } = (await withChannel.json()) as { id: string };
    expect((await call(owner, "DELETE", `/api/v1/alerts/channels/${channel.id}`)).status).toBe(204);
    expect(
      ((await (await call(analyst, "GET", `/api/v1/alerts/${ruleId}`)).json()) as { channel_ids: string[] })
        .channel_ids,
    ).toEqual([]);
  });

  it("are edited by admins: renamed, pointed elsewhere, and a webhook's secret rotated and shown once", async () => {
    const created = (await (
      await call(owner, "POST", "/api/v1/alerts/channels", {
        project_id: tenant.projectId,
        name: "Edit me",
        kind: "webhook",
        url: `${receiver.url}/before`,
      })
    ).json()) as { id: string; secret: string };
    const path = `/api/v1/alerts/channels/${created.id}`;
    expect((await call(analyst, "PATCH", path, { name: "Mine now" })).status).toBe(403);
    const outsider = await createTenant();
    const outsiderOwner = await signedInMember(outsider.organizationId, "owner");
    expect((await call(outsiderOwner, "PATCH", path, { name: "Theirs" })).status).toBe(404);

    const edited = await call(owner, "PATCH", path, { name: "Edited", url: `${receiver.url}/after` });
    expect(edited.status).toBe(200);
    const editedBody = (await edited.json()) as Record<string, unknown>;
    expect(editedBody).toMatchObject({ name: "Edited", config: { url: `${receiver.url}/after` } });
    expect(editedBody).not.toHaveProperty("secret");

    const rotated = (await (await call(owner, "PATCH", path, { rotate_secret: true })).json()) as { secret: string };
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(await (await call(owner, "POST", `${path}/test`)).json()).toMatchObject({ ok: true });
    const [received] = receiver.on("/after");
    const headers = received?.headers ?? {};
    const signed = (secret: string) =>
      verifySignature(
        secret,
        String(headers["x-lumen-timestamp"]),
        received?.body ?? "",
        String(headers["x-lumen-signature"]),
      );
    expect([signed(rotated.secret), signed(created.secret)]).toEqual([true, false]);

    const email = (await (
      await call(owner, "POST", "/api/v1/alerts/channels", {
        project_id: tenant.projectId,
        name: "Mail",
        kind: "email",
        to: ["ops@example.com"],
      })
    ).json()) as { id: string };
    for (const body of [{ url: `${receiver.url}/x` }, { rotate_secret: true }, {}, { kind: "slack" }]) {
      const response = await call(owner, "PATCH", `/api/v1/alerts/channels/${email.id}`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const recipients = await call(owner, "PATCH", `/api/v1/alerts/channels/${email.id}`, { to: ["team@example.com"] });
    expect(await recipients.json()).toMatchObject({ config: { to: ["team@example.com"] } });
  });

  it("refuses destinations inside the server's network, when saved and again when sending", async () => {
    const port = new URL(receiver.url).port;
    // The test runner allows 127.0.0.1 itself (LUMEN_OUTBOUND_ALLOWED_HOSTS) for its receivers: every
    // other way to the machine or its network is refused.
    const internal = [
      `http://localhost:${port}/hook`,
      `http://127.0.0.2:${port}/hook`,
      `http://0177.0.0.2:${port}/hook`,
      `http://[::1]:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      `http://0.0.0.0:${port}/hook`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.7/hook",
      "http://192.168.1.1/hook",
      "https://[fd00::1]/hook",
    ];
    for (const url of internal) {
      const response = await call(owner, "POST", "/api/v1/alerts/channels", {
        project_id: tenant.projectId,
        name: "Inside",
        kind: "slack",
        url,
      });
      expect(response.status, url).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } };
      expect(error.code).toBe("invalid_request");
      expect(error.details[0]?.path).toBe("url");
    }

    const outside = (await (
      await call(owner, "POST", "/api/v1/alerts/channels", {
        project_id: tenant.projectId,
        name: "Outside",
        kind: "webhook",
        url: `${receiver.url}/outside`,
      })
    ).json()) as { id: string };
    const moved = await call(owner, "PATCH", `/api/v1/alerts/channels/${outside.id}`, {
      url: `http://localhost:${port}/outside`,
    });
    expect(moved.status).toBe(400);

    // A destination saved before it was refused (or whose name now resolves inside) is refused when sent to.
    await getPrisma().alertChannel.update({
      where: { id: outside.id },
      data: { config: { url: `http://localhost:${port}/outside` } },
    });
    const tested = (await (await call(owner, "POST", `/api/v1/alerts/channels/${outside.id}/test`)).json()) as {
      ok: boolean;
      error: string;
    };
    expect(tested.ok).toBe(false);
    expect(tested.error).toMatch(/internal address/);
    expect(receiver.on("/outside")).toEqual([]);
  });

  it("refuses channel settings that are not what their kind needs", async () => {
    for (const body of [
      { project_id: tenant.projectId, name: "x", kind: "webhook", url: "ftp://example.com" },
      { project_id: tenant.projectId, name: "x", kind: "email", to: ["not an address"] },
      { project_id: tenant.projectId, name: "x", kind: "pager" },
    ]) {
      const response = await call(owner, "POST", "/api/v1/alerts/channels", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });
});
