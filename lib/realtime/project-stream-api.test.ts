// GET /api/v1/projects/{id}/stream over real HTTP: members of any role get the live numbers and
// their updates after ingestion, with a new data version; everyone else gets the error shape, never a stream.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMember, createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { closeDatabase } from "../db/client";
import { projectLiveSchema } from "./schemas";
import { type ServerSentEvent, SseParser } from "./sse-parser";

const chrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
let tenant: Tenant;
let viewer: string;
let outsider: string;

beforeAll(async () => {
  tenant = await createTenant();
  const other = await createTenant();
  const member = await createMember(tenant.organizationId, "viewer");
  const stranger = await createMember(other.organizationId, "owner");
  viewer = await signInOverHttp(member.email, member.password);
  outsider = await signInOverHttp(stranger.email, stranger.password);
});

afterAll(async () => {
  await closeDatabase();
});

const streamUrl = (projectId: string) => `${testBaseUrl()}/api/v1/projects/${projectId}/stream`;

async function* events(response: Response): AsyncGenerator<ServerSentEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    yield* parser.push(decoder.decode(chunk.value, { stream: true }));
}

it("streams a member's live numbers and updates them after ingestion", async () => {
  const abort = new AbortController();
  const response = await fetch(streamUrl(tenant.projectId), {
    headers: { cookie: viewer, "last-event-id": "41" },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const stream = events(response);

  const first = (await stream.next()).value!;
  expect(first.lastEventId).toBe("42");
  const firstValue = projectLiveSchema.parse(JSON.parse(first.data));
  expect(firstValue).toMatchObject({ active_visitors: 0, events_last_minute: 0 });

  const posted = await postEvents(
    {
      events: [
        { name: "pageview", anonymous_id: "a1" },
        { name: "pageview", anonymous_id: "a2" },
        { name: "click", anonymous_id: "a2" },
      ],
    },
    { key: tenant.writeKey, headers: { "user-agent": chrome } },
  );
  expect(posted.status).toBe(202);
  const update = (await stream.next()).value!;
  const updated = projectLiveSchema.parse(JSON.parse(update.data));
  expect(updated).toMatchObject({ active_visitors: 2, events_last_minute: 3 });
  // The data changed: dashboards watching the stream refetch their queries.
  expect(updated.data_version).not.toBe(firstValue.data_version);
  abort.abort();
});

it("answers 401 to nobody, and 404 to members of other organizations and to unknown projects", async () => {
  const anonymous = await fetch(streamUrl(tenant.projectId));
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });

  const foreign = await fetch(streamUrl(tenant.projectId), { headers: { cookie: outsider } });
  expect(foreign.status).toBe(404);
  expect(foreign.headers.get("content-type")).toContain("application/json");
  expect(await foreign.json()).toMatchObject({ error: { code: "not_found" } });

  for (const id of [randomUUID(), "not-a-uuid"]) {
    const unknown = await fetch(streamUrl(id), { headers: { cookie: viewer } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  }
});
