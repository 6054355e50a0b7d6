import { expect, it } from "vitest";
import { ApiError } from "../errors";
import { consumeRateLimit } from "./rate-limit";

it("allows a second's burst, then refuses with a Retry-After, then refills", () => {
  const key = `k-${Math.random()}`;
  for (let i = 0; i < 3; i++) consumeRateLimit(key, 3, 1000);
  let refused: unknown;
  try {
    consumeRateLimit(key, 3, 1000);
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(ApiError);
  expect((refused as ApiError).status).toBe(429);
  expect((refused as ApiError).headers["retry-after"]).toBe("1");
  expect(() => consumeRateLimit(key, 3, 1400)).not.toThrow();
});
