// Signed-in members read their organization's projects through the query API; nobody else does.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createMember,
  createTenant,
  daysAgoAt,
  heldClock,
  postEvents,
  type Tenant,
  testBaseUrl,
} from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { closeDatabase } from "../db/client";

let a: Tenant;
let b: Tenant;
let viewerCookie: string;
/** "Today" for every request: noon UTC yesterday, held on the server, with the pageviews at 10:00. */
const now = daysAgoAt(1, 12);

beforeAll(async () => {
  a = await createTenant();
  b = await createTenant();
  const viewer = await createMember(a.organizationId, "viewer");
  const timestamp = new Date(now.getTime() - 2 * 3_600_000).toISOString();
  await postEvents(
    {
      events: [
        { name: "pageview", timestamp },
        { name: "pageview", timestamp },
      ],
    },
    { key: a.writeKey },
  );
  viewerCookie = await signInOverHttp(viewer.email, viewer.password);
});

afterAll(async () => {
  await closeDatabase();
});

function query(projectId: string, cookie?: string) {
  return fetch(`${testBaseUrl()}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", ...heldClock(now), ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({
      project_id: projectId,
      query: { kind: "metric", event: "pageview" },
      range: { relative: "today" },
      timezone: "UTC",
    }),
  });
}

it("lets a signed-in member of any role query the organization's project", async () => {
  const response = await query(a.projectId, viewerCookie);
  expect(response.status).toBe(200);
  expect(((await response.json()) as { data: { value: number } }).data.value).toBe(2);
});

it("answers 404 for another organization's project and 401 without a session", async () => {
  expect((await query(b.projectId, viewerCookie)).status).toBe(404);
  expect((await query(a.projectId)).status).toBe(401);
});

it("refuses a wrong password", async () => {
  await expect(signInOverHttp("nobody@example.com", "wrong-password")).rejects.toThrow(/sign-in failed/);
});
