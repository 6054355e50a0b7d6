// Password sign-in over real HTTP against the built app: throttling per account and per client,
// re-hashing of older hashes, and callbackUrl kept on this site.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, testBaseUrl } from "../../testing/fixtures";
import { postCredentials, signInOverHttp } from "../../testing/session";
import { closeDatabase, getPrisma } from "../db/client";
import { CURRENT_SCRYPT_PARAMS, hashPassword, scryptParamsOf, verifyPassword } from "./password";
import { ACCOUNT_FAILURE_LIMIT, CLIENT_FAILURE_LIMIT, SIGN_IN_WINDOW_SECONDS } from "./sign-in-throttle";

const PASSWORD = "right-password-123";
let organizationId: string;

beforeAll(async () => {
  organizationId = (await createTenant()).organizationId;
});

afterAll(async () => {
  await closeDatabase();
});

/** A client address of its own per call (documentation range), so tests never share a client's budget. */
function newClient(): string {
  const group = () => randomUUID().slice(0, 4);
  // What a client wrote itself, then what the server saw: the last one counts.
  return `198.51.100.7, 2001:db8:${group()}:${group()}::${group()}`;
}

async function newUser(): Promise<string> {
  return (await createMember(organizationId, "viewer", PASSWORD)).email;
}

async function expectThrottled(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_WINDOW_SECONDS);
  const body = (await response.json()) as { url: string; error: { code: string; message: string } };
  expect(body.error.code).toBe("rate_limited");
  expect(body.error.message).toMatch(/too many failed sign-in attempts/i);
  // next-auth's browser client reads `url`: it must stay a URL of this site.
  expect(new URL(body.url).origin).toBe(new URL(testBaseUrl()).origin);
  expect(response.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))).toBe(false);
}

describe("throttling", () => {
  it(`refuses an account with 429 + Retry-After after ${ACCOUNT_FAILURE_LIMIT} failures, from any client, even with the right password`, async () => {
    const email = await newUser();
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      const { response } = await postCredentials(email, `wrong-${i}`, { clientAddress: newClient() });
      expect(response.status).toBe(401);
    }
    await expectThrottled((await postCredentials(email, PASSWORD, { clientAddress: newClient() })).response);

    // Another account is not affected, even from a client that took part.
    const other = await newUser();
    await expect(signInOverHttp(other, PASSWORD, { clientAddress: newClient() })).resolves.toMatch(
      /next-auth.session-token=/,
    );
  });

  it(`refuses a client with 429 + Retry-After after ${CLIENT_FAILURE_LIMIT} failures over any accounts`, async () => {
    const client = newClient();
    // Malformed emails fail without a password check, which keeps this test cheap; they count all the same.
    for (let i = 0; i < CLIENT_FAILURE_LIMIT - 1; i++) {
      const { response } = await postCredentials(`not-an-email-${i}`, "guess", { clientAddress: client });
      expect(response.status).toBe(401);
    }
    const { response: last } = await postCredentials(`unknown-${randomUUID()}@example.com`, "guess", {
      clientAddress: client,
    });
    expect(last.status).toBe(401);

    const email = await newUser();
    await expectThrottled((await postCredentials(email, PASSWORD, { clientAddress: client })).response);
    // The same account from another client signs in: the limit was the client's.
    await expect(signInOverHttp(email, PASSWORD, { clientAddress: newClient() })).resolves.toMatch(
      /next-auth.session-token=/,
    );
  });

  it("keeps no email or client address in the throttling table", async () => {
    const email = `never-stored-${randomUUID()}@example.com`;
    const client = "192.0.2.77";
    await postCredentials(email, "wrong", { clientAddress: client });
    const rows = await getPrisma().$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM sign_in_failures WHERE subject LIKE ${`%${email}%`} OR subject LIKE ${`%${client}%`}`;
    expect(Number(rows[0]!.n)).toBe(0);
    const recent = await getPrisma().signInFailure.findMany({ orderBy: { id: "desc" }, take: 2 });
    for (const row of recent) expect(row.subject).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a successful sign-in clears the account's failures", async () => {
    const email = await newUser();
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT - 1; i++)
      expect((await postCredentials(email, "wrong", { clientAddress: newClient() })).response.status).toBe(401);
    await signInOverHttp(email, PASSWORD, { clientAddress: newClient() });
    expect((await postCredentials(email, "wrong", { clientAddress: newClient() })).response.status).toBe(401);
    await expect(signInOverHttp(email, PASSWORD, { clientAddress: newClient() })).resolves.toMatch(
      /next-auth.session-token=/,
    );
  });
});

describe("password hashes", () => {
  it("re-hashes a hash of an older cost at the current one on a successful sign-in", async () => {
    const email = `legacy-${randomUUID().slice(0, 8)}@example.com`;
    const legacy = await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 });
    const user = await getPrisma().user.create({ data: { email, passwordHash: legacy } });
    await getPrisma().membership.create({ data: { organizationId, userId: user.id, role: "viewer" } });

    await signInOverHttp(email, PASSWORD, { clientAddress: newClient() });
    const upgraded = (await getPrisma().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!;
    expect(upgraded).not.toBe(legacy);
    expect(scryptParamsOf(upgraded)).toEqual(CURRENT_SCRYPT_PARAMS);
    expect(await verifyPassword(PASSWORD, upgraded)).toBe(true);
    await expect(signInOverHttp(email, PASSWORD, { clientAddress: newClient() })).resolves.toMatch(
      /next-auth.session-token=/,
    );
  });

  it("leaves an older hash alone when the password is wrong", async () => {
    const email = `legacy-wrong-${randomUUID().slice(0, 8)}@example.com`;
    const legacy = await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 });
    await getPrisma().user.create({ data: { email, passwordHash: legacy } });
    expect((await postCredentials(email, "wrong", { clientAddress: newClient() })).response.status).toBe(401);
    expect((await getPrisma().user.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(legacy);
  });
});

describe("callbackUrl", () => {
  const base = () => new URL(testBaseUrl());

  it("sends a signed-in person to a path of this site whatever callbackUrl says", async () => {
    const email = await newUser();
    for (const callbackUrl of [
      "https://evil.example/steal",
      "//evil.example/steal",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const { response } = await postCredentials(email, PASSWORD, { clientAddress: newClient(), callbackUrl });
      expect(response.status).toBe(200);
      const url = new URL(((await response.json()) as { url: string }).url);
      expect(url.origin, callbackUrl).toBe(base().origin);
      expect(url.pathname).toBe("/projects");
    }
  });

  it("keeps a same-origin path, and redirects (without JSON) to this site only", async () => {
    const email = await newUser();
    const kept = await postCredentials(email, PASSWORD, {
      clientAddress: newClient(),
      callbackUrl: "/projects/x?range=last_7_days",
    });
    expect(((await kept.response.json()) as { url: string }).url).toBe(`${base().origin}/projects/x?range=last_7_days`);

    const redirected = await postCredentials(email, PASSWORD, {
      clientAddress: newClient(),
      callbackUrl: "https://evil.example/",
      json: false,
    });
    expect(redirected.response.status).toBe(302);
    expect(new URL(redirected.response.headers.get("location")!).origin).toBe(base().origin);
  });

  it("does not send the sign-in page's callbackUrl elsewhere either", async () => {
    const response = await fetch(
      `${testBaseUrl()}/api/auth/signin?callbackUrl=${encodeURIComponent("https://evil.example/")}`,
      { redirect: "manual" },
    );
    const location = new URL(response.headers.get("location")!, testBaseUrl());
    expect(location.origin).toBe(base().origin);
    const callbackUrl = location.searchParams.get("callbackUrl");
    if (callbackUrl) expect(new URL(callbackUrl, testBaseUrl()).origin).toBe(base().origin);
  });
});

describe("request bodies", () => {
  it("413 for a sign-in body past 16 KB", async () => {
    const big = await fetch(`${testBaseUrl()}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `email=a%40b.c&password=${"x".repeat(20_000)}`,
    });
    expect(big.status).toBe(413);
  });
});
