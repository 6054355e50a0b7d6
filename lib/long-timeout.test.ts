import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_DELAY_MS, setLongTimeout } from "./long-timeout";

const DAY = 86_400_000;

describe("setLongTimeout", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-12-05T12:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const days of [30, 365]) {
    it(`waits the whole ${days} days instead of firing at once`, () => {
      const fired = vi.fn();
      setLongTimeout(fired, days * DAY);
      vi.advanceTimersByTime(1000);
      expect(fired).not.toHaveBeenCalled();
      vi.advanceTimersByTime(days * DAY - 1001);
      expect(fired).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(fired).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(400 * DAY);
      expect(fired).toHaveBeenCalledTimes(1);
    });
  }

  it("fires exactly at setTimeout's limit and at once for a past deadline", () => {
    const atLimit = vi.fn();
    const past = vi.fn();
    setLongTimeout(atLimit, MAX_TIMER_DELAY_MS);
    setLongTimeout(past, -5);
    vi.advanceTimersByTime(0);
    expect(past).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS - 1);
    expect(atLimit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(atLimit).toHaveBeenCalledTimes(1);
  });

  it("is cancelled by the function it returns, in any step", () => {
    const fired = vi.fn();
    const cancel = setLongTimeout(fired, 60 * DAY);
    vi.advanceTimersByTime(40 * DAY);
    cancel();
    vi.advanceTimersByTime(40 * DAY);
    expect(fired).not.toHaveBeenCalled();
  });
});
