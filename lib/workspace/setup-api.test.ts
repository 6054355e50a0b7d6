// POST /api/v1/setup once Lumen is set up, over real HTTP: a 409 at once, whatever the body, and
// nothing written.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenant, testBaseUrl } from "../../testing/fixtures";
import { closeDatabase, getPrisma } from "../db/client";
import { ensureUserWithRole } from "./workspace";

beforeAll(async () => {
  // The shared test database may hold no user yet when this file runs first.
  const tenant = await createTenant();
  await ensureUserWithRole(
    tenant.organizationId,
    { email: `setup-${randomUUID().slice(0, 8)}@example.com`, password: "setup-password" },
    "owner",
  );
});

afterAll(async () => {
  await closeDatabase();
});

function postSetup(body: string, contentType = "application/json"): Promise<Response> {
  return fetch(`${testBaseUrl()}/api/v1/setup`, { method: "POST", headers: { "content-type": contentType }, body });
}

it("answers 409 once set up, and creates nothing", async () => {
  const slug = `late-${randomUUID().slice(0, 8)}`;
  const email = `${slug}@example.com`;
  const response = await postSetup(
    JSON.stringify({
      organization: { name: "Late", slug },
      user: { email, password: "a-long-password" },
      project: { name: "Site" },
    }),
  );
  expect(response.status).toBe(409);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error).toEqual({ code: "conflict", message: expect.stringMatching(/already set up/) });
  expect(await getPrisma().organization.findUnique({ where: { slug } })).toBeNull();
  expect(await getPrisma().user.findUnique({ where: { email } })).toBeNull();
});

it("answers 409 before reading the body at all", async () => {
  for (const body of ["not json", "{}", "x".repeat(64 * 1024)]) {
    const response = await postSetup(body);
    expect(response.status).toBe(409);
  }
});
