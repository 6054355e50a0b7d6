import { expect, it } from "vitest";
import { ApiError } from "../errors";
import { consumeEventBudget, consumeRateLimit } from "./rate-limit";

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

it("budgets events per key: a batch past the budget goes through on a full bucket and leaves it in debt", () => {
  const key = `k-${Math.random()}`;
  expect(() => consumeEventBudget(key, 100, 60, 0)).not.toThrow();
  expect(() => consumeEventBudget(key, 100, 40, 0)).not.toThrow();
  expect(() => consumeEventBudget(key, 100, 1, 0)).toThrow(ApiError);

  const big = `k-${Math.random()}`;
  expect(() => consumeEventBudget(big, 100, 1000, 0)).not.toThrow();
  let refused: unknown;
  try {
    consumeEventBudget(big, 100, 1, 1000);
  } catch (error) {
    refused = error;
  }
  // 800 events of debt left after a second: a little over 8 more seconds before one event fits.
  expect((refused as ApiError).headers["retry-after"]).toBe("9");
  expect(() => consumeEventBudget(big, 100, 1, 10_010)).not.toThrow();
});
