// The embed's API over real HTTP against the built app and a real PostgreSQL: locks hold on every
// path (data, values, CSV), choices are validated (400) and limited to what is editable (403), the
// page's frame-ancestors follow the embed, and the stream honours Last-Event-ID.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { redactPath } from "../api/route";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { createEmbed } from "./issue";
import type { EmbedClaimsInput } from "./schemas";
import { signEmbedToken } from "./tokens";

let tenant: Tenant;
let secret: string;
let adminId: string;
let reportId: string;
let byCountryId: string;

function purchase(customer: string, country: string) {
  return eventRow({
    name: "purchase",
    timestamp: new Date(Date.now() - 3_600_000),
    userId: `u-${randomUUID()}`,
    country,
    properties: { customer_id: customer },
  });
}

beforeAll(async () => {
  tenant = await createTenant();
  secret = (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId } })).embedSecret;
  adminId = (await createMember(tenant.organizationId, "admin")).id;
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Sales",
      widgets: {
        create: [
          {
            title: "Purchases",
            query: { kind: "metric", event: "purchase", compare: false },
            viz: { type: "metric" },
            gridY: 0,
          },
          {
            title: "By country",
            query: { kind: "breakdown", event: "purchase", dimension: "country" },
            viz: { type: "bar" },
            gridY: 1,
          },
        ],
      },
    },
    include: { widgets: true },
  });
  reportId = report.id;
  byCountryId = report.widgets.find((w) => w.title === "By country")!.id;
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    purchase("42", "DE"),
    purchase("42", "DE"),
    purchase("42", "FR"),
    purchase("7", "US"),
    purchase("7", "GB"),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

/** A token the customer's backend signs: locked to customer 42 for the last 24 hours, valid for an hour. */
function customerToken(extra: Partial<EmbedClaimsInput> = {}, expiresAt = new Date(Date.now() + 3_600_000)) {
  return signEmbedToken(
    tenant.projectId,
    secret,
    {
      resource: { type: "report", id: reportId },
      params: {
        filters: [{ field: "properties.customer_id", op: "equals", value: "42" }],
        range: { relative: "last_24_hours" },
        timezone: "UTC",
      },
      editable: ["country"],
      ...extra,
    },
    expiresAt,
  );
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${testBaseUrl()}${path}`, { headers });

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; details?: unknown } }).error;
}

describe("GET /api/v1/embed/{token}/values", () => {
  it("lists only the values the token's locks allow, for editable dimensions only", async () => {
    const token = await customerToken();
    const response = await get(`/api/v1/embed/${token}/values?field=country`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(await response.json()).toEqual({
      field: "country",
      values: [
        { value: "DE", count: 2 },
        { value: "FR", count: 1 },
      ],
    });
    // Asking to widen: a filter on the locked property is no choice at all (400); a non-editable field is refused (403).
    expect((await get(`/api/v1/embed/${token}/values?field=country&filter.properties.customer_id=7`)).status).toBe(400);
    expect((await get(`/api/v1/embed/${token}/values?field=browser`)).status).toBe(403);
    expect((await get(`/api/v1/embed/${token}/values?field=nope`)).status).toBe(400);
    expect((await get(`/api/v1/embed/${token}/values`)).status).toBe(400);
  });
});

describe("GET /api/v1/embed/{token}/data", () => {
  it("adds the viewer's editable choices to the locks, and refuses the rest", async () => {
    const token = await customerToken();
    const value = async (query: string) => {
      const response = await get(`/api/v1/embed/${token}/data${query}`);
      expect(response.status, query).toBe(200);
      const body = (await response.json()) as {
        version: string;
        embed: unknown;
        widgets: { result: { value?: number } }[];
      };
      return body.widgets[0]!.result.value;
    };
    expect(await value("")).toBe(3);
    expect(await value("?filter.country=DE")).toBe(2);
    expect(await value("?filter.country=US")).toBe(0);
    const notEditable = await get(`/api/v1/embed/${token}/data?range=last_90_days&filter.browser=Firefox`);
    expect(notEditable.status).toBe(403);
    expect(await errorOf(notEditable)).toMatchObject({
      code: "forbidden",
      message: "Not editable in this embed: range, browser",
    });
    expect((await get(`/api/v1/embed/${token}/data?range=forever`)).status).toBe(400);
  });

  it("answers 401 with the reason for expired and invalid tokens", async () => {
    const expired = await customerToken({}, new Date(Date.now() - 60_000));
    const response = await get(`/api/v1/embed/${expired}/data`);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({
      code: "unauthorized",
      details: [{ path: "token", message: "expired" }],
    });
    expect(await errorOf(await get(`/api/v1/embed/not-a-token/data`))).toMatchObject({
      code: "unauthorized",
      details: [{ path: "token", message: "invalid" }],
    });
    // A kid that is no project id (36 dashes pass a loose pattern) is an invalid token, not a failed lookup.
    const dashes = await signEmbedToken(
      "-".repeat(36),
      secret,
      { resource: { type: "report", id: reportId } },
      new Date(Date.now() + 60_000),
    );
    expect(await errorOf(await get(`/api/v1/embed/${dashes}/data`))).toMatchObject({
      code: "unauthorized",
      details: [{ path: "token", message: "invalid" }],
    });
    const page = await get(`/embed/${dashes}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toBe("frame-ancestors *");
    expect(await page.text()).toContain("This embed link is not valid.");
  });
});

describe("new vs returning in an embed", () => {
  it("lets viewers pick a visitor type and refuses one that is neither, and locks first-touch filters", async () => {
    // Every buyer was first seen an hour ago: all new in the last 24 hours.
    const token = await customerToken({ editable: ["visitor_type"] });
    const values = await get(`/api/v1/embed/${token}/values?field=visitor_type`);
    expect(await values.json()).toEqual({ field: "visitor_type", values: [{ value: "new", count: 3 }] });
    const purchases = async (query: string) => {
      const response = await get(`/api/v1/embed/${token}/data${query}`);
      expect(response.status, query).toBe(200);
      return ((await response.json()) as { widgets: { result: { value?: number } }[] }).widgets[0]!.result.value;
    };
    expect(await purchases("?filter.visitor_type=new")).toBe(3);
    expect(await purchases("?filter.visitor_type=returning")).toBe(0);
    const bad = await get(`/api/v1/embed/${token}/data?filter.visitor_type=loyal`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("invalid_request");
    // A first touch locked by the customer's backend: their events came with no referrer.
    const fromSearch = await customerToken({
      params: {
        filters: [
          { field: "properties.customer_id", op: "equals", value: "42" },
          { field: "first_referrer", op: "equals", value: "google.com" },
        ],
        range: { relative: "last_24_hours" },
        timezone: "UTC",
      },
    });
    const locked = await get(`/api/v1/embed/${fromSearch}/data`);
    expect(locked.status).toBe(200);
    expect(((await locked.json()) as { widgets: { result: { value?: number } }[] }).widgets[0]!.result.value).toBe(0);
  });
});

describe("GET /api/v1/embed/{token}", () => {
  it("describes what the token opens and allows", async () => {
    const response = await get(
      `/api/v1/embed/${await customerToken({ downloads: true }, new Date(Date.now() + 3_600_000))}`,
    );
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ resource: { type: "report", id: reportId }, editable: ["country"], downloads: true });
    expect(body.expires_in_ms).toBeGreaterThan(3_500_000);
    // Locked to no segment (lib/segments/segments-api.test.ts: one that is).
    expect(body.segment).toBeNull();
  });
});

describe("GET /api/v1/embed/{token}/csv", () => {
  it("downloads a widget with the same locks and choices, only where allowed", async () => {
    const allowed = await customerToken({ downloads: true });
    const response = await get(`/api/v1/embed/${allowed}/csv?widget=${byCountryId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="by-country.csv"');
    expect(await response.text()).toBe("Country,Events\nDE,2\nFR,1\n");
    expect(await (await get(`/api/v1/embed/${allowed}/csv?widget=${byCountryId}&filter.country=FR`)).text()).toBe(
      "Country,Events\nFR,1\n",
    );
    expect(
      (await get(`/api/v1/embed/${allowed}/csv?widget=${byCountryId}&filter.properties.customer_id=7`)).status,
    ).toBe(400);
    expect((await get(`/api/v1/embed/${allowed}/csv?widget=${randomUUID()}`)).status).toBe(404);
    expect((await get(`/api/v1/embed/${allowed}/csv?widget=nope`)).status).toBe(400);

    const refused = await get(`/api/v1/embed/${await customerToken()}/csv?widget=${byCountryId}`);
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: "forbidden" });
  });
});

describe("GET /embed/{token} headers", () => {
  it("set frame-ancestors from the embed's allowed origins, and never cache or refer", async () => {
    const csp = async (token: string) => {
      const response = await get(`/embed/${token}`);
      expect(response.headers.get("cache-control")).toContain("no-store");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      return response.headers.get("content-security-policy");
    };
    const stored = await createEmbed(
      { userId: adminId },
      { report_id: reportId, allowed_origins: ["https://app.example.com/path", "http://localhost:8080"] },
      testBaseUrl(),
    );
    expect(await csp(stored.token)).toBe("frame-ancestors 'self' https://app.example.com http://localhost:8080");
    expect(await csp((await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl())).token)).toBe(
      "frame-ancestors *",
    );
    expect(await csp(await customerToken({ allowed_origins: ["https://customer.example"] }))).toBe(
      "frame-ancestors 'self' https://customer.example",
    );
    expect(await csp(await customerToken())).toBe("frame-ancestors *");
    expect(await csp("not-a-token")).toBe("frame-ancestors *");
  });

  it("keep tokens out of the request log's paths", async () => {
    const { token } = await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl());
    expect(redactPath(`/api/v1/embed/${token}/csv`)).toBe("/api/v1/embed/[redacted]/csv");
    expect(redactPath(`/embed/${token}`)).toBe("/embed/[redacted]");
  });
});

/** Reads a server-sent events response in steps: each read lasts until `done(text)` or the time is up. */
function eventReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  // A read still pending when a step times out carries over to the next step, so no chunk is lost.
  let pending: ReturnType<typeof reader.read> | null = null;
  return {
    async read(ms: number, done: (text: string) => boolean = () => false): Promise<string> {
      let text = "";
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && !done(text)) {
        pending ??= reader.read();
        const next = await Promise.race([
          pending,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now())),
        ]);
        if (!next) break;
        pending = null;
        if (next.done) break;
        text += decoder.decode(next.value);
      }
      return text;
    },
    close: () => reader.cancel(),
  };
}

const dataIds = (text: string) => [...text.matchAll(/id: (\S+)\nevent: data/g)].map((m) => m[1]);

describe("GET /api/v1/embed/{token}/stream", () => {
  it("resumes from Last-Event-ID without resending unchanged data, and still sends changes", async () => {
    const token = await customerToken();
    const first = eventReader(await get(`/api/v1/embed/${token}/stream?filter.country=DE`));
    const [id] = dataIds(await first.read(30_000, (text) => dataIds(text).length > 0));
    await first.close();
    expect(id).toBeTruthy();

    const resumed = await get(`/api/v1/embed/${token}/stream?filter.country=DE`, { "last-event-id": id! });
    expect(resumed.headers.get("content-type")).toContain("text/event-stream");
    const events = eventReader(resumed);
    expect(await events.read(30_000, (text) => text.includes("retry:"))).toContain("retry:");
    // Data comes again only with a change, never as a resend of the version the client has. (The
    // widgets are read one after another, so a tick reading them while the write lands may send a
    // version mixing both moments before the write's own tick sends the new numbers.)
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [purchase("42", "DE")]);
    const changed = await events.read(30_000, (text) => text.includes('"value":3'));
    await events.close();
    expect(changed).toContain('"value":3');
    expect(dataIds(changed).length).toBeGreaterThan(0);
    expect(dataIds(changed)).not.toContain(id);
  });

  it("refuses choices the embed does not make editable", async () => {
    const response = await get(`/api/v1/embed/${await customerToken()}/stream?filter.browser=Firefox`);
    expect(response.status).toBe(403);
  });
});

describe("POST /api/v1/embeds with an API key", () => {
  const post = (key: string, body: unknown) =>
    fetch(`${testBaseUrl()}/api/v1/embeds`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("lets a customer's backend create embeds with an admin key of the organization, and no other key", async () => {
    const admin = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: null,
      kind: "admin",
      name: "backend",
    });
    const created = await post(admin.key, {
      report_id: reportId,
      params: { filters: [{ field: "properties.customer_id", op: "equals", value: "42" }] },
    });
    expect(created.status).toBe(201);
    const { token, url } = (await created.json()) as { token: string; url: string };
    expect(url).toContain(`/embed/${token}`);
    const data = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data`);
    expect(data.status).toBe(200);

    const read = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: null,
      kind: "read",
      name: "reporting",
    });
    expect((await post(read.key, { report_id: reportId })).status).toBe(403);
    expect((await post(tenant.writeKey, { report_id: reportId })).status).toBe(403);
    expect((await post("lma_not-a-key", { report_id: reportId })).status).toBe(401);
    const intruder = await createTenant();
    const foreign = await createApiKey({
      organizationId: intruder.organizationId,
      projectId: null,
      kind: "admin",
      name: "other",
    });
    expect((await post(foreign.key, { report_id: reportId })).status).toBe(404);
  });
});
