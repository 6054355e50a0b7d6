import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";

const policy = { baseMs: 1_000, maxMs: 30_000 };

describe("backoffDelay", () => {
  it("doubles the step on each attempt, waiting between half of it and all of it", () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it("stops growing at the largest step, however many failures came before", () => {
    expect(backoffDelay(5, policy, () => 1)).toBe(30_000);
    expect(backoffDelay(5, policy, () => 0)).toBe(15_000);
    expect(backoffDelay(10_000, policy, () => 0.5)).toBe(22_500);
  });

  it("spreads clients that failed together over the upper half of the step", () => {
    const delays = Array.from({ length: 1_000 }, () => backoffDelay(2, policy));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...delays)).toBeLessThan(4_000);
    expect(new Set(delays).size).toBeGreaterThan(900);
  });
});
