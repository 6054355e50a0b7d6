import { expect, it } from "vitest";
import { CURRENT_SCRYPT_PARAMS, hashPassword, passwordNeedsRehash, scryptParamsOf, verifyPassword } from "./password";

it("hashes at OWASP's recommended scrypt cost, with the cost in the hash", async () => {
  expect(CURRENT_SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
  const stored = await hashPassword("correct horse");
  expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
  expect(await verifyPassword("correct horse", stored)).toBe(true);
  expect(await verifyPassword("correct horse!", stored)).toBe(false);
  expect(passwordNeedsRehash(stored)).toBe(false);
});

it("verifies a hash of an older cost, and flags it for re-hashing", async () => {
  const old = await hashPassword("battery staple", { N: 16384, r: 8, p: 1 });
  expect(scryptParamsOf(old)).toEqual({ N: 16384, r: 8, p: 1 });
  expect(await verifyPassword("battery staple", old)).toBe(true);
  expect(passwordNeedsRehash(old)).toBe(true);
});

it("refuses stored strings that are not its hashes, without computing anything huge", async () => {
  for (const stored of [
    "",
    "bcrypt$x",
    "scrypt$1000$8$1$c2FsdA$aGFzaA",
    `scrypt$${2 ** 24}$8$1$c2FsdA$aGFzaA`,
    "scrypt$16384$0$1$c2FsdA$aGFzaA",
    "scrypt$16384$8$1$c2FsdA$aGFzaA$extra",
  ]) {
    expect(await verifyPassword("x", stored), stored).toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(true);
  }
});
