// The password check does the same work for every email: one verification at the current cost,
// against the user's hash or, for unknown emails and users without a password, a dummy one.
import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { closeDatabase, getPrisma } from "../db/client";
import { checkCredentials } from "./credentials";
import { CURRENT_SCRYPT_PARAMS, dummyPasswordHash, hashPassword, scryptParamsOf, verifyPassword } from "./password";

afterAll(async () => {
  await closeDatabase();
});

/** The real verification, recording the hash each call checked against. */
function recordingVerify() {
  const checked: string[] = [];
  const verify = (password: string, stored: string) => {
    checked.push(stored);
    return verifyPassword(password, stored);
  };
  return { checked, verify };
}

it("verifies an unknown email against the dummy hash, at the current cost", async () => {
  const { checked, verify } = recordingVerify();
  expect(await checkCredentials(`nobody-${randomUUID()}@example.com`, "guess", verify)).toBeNull();
  expect(checked).toEqual([await dummyPasswordHash()]);
  expect(scryptParamsOf(checked[0]!)).toEqual(CURRENT_SCRYPT_PARAMS);
});

it("verifies a user without a password (single sign-on only) against the dummy hash too", async () => {
  const email = `sso-${randomUUID()}@example.com`;
  await getPrisma().user.create({ data: { email, passwordHash: null } });
  const { checked, verify } = recordingVerify();
  expect(await checkCredentials(email, "guess", verify)).toBeNull();
  expect(checked).toEqual([await dummyPasswordHash()]);
});

it("verifies a known email against its own hash, once, right or wrong", async () => {
  const email = `known-${randomUUID()}@example.com`;
  const passwordHash = await hashPassword("the-password");
  const user = await getPrisma().user.create({ data: { email, passwordHash } });

  const wrong = recordingVerify();
  expect(await checkCredentials(email, "guess", wrong.verify)).toBeNull();
  expect(wrong.checked).toEqual([passwordHash]);

  const right = recordingVerify();
  expect(await checkCredentials(email, "the-password", right.verify)).toEqual({ id: user.id, email, name: null });
  expect(right.checked).toEqual([passwordHash]);
});
