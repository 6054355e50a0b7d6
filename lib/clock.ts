// The instant "now" means for report queries ("today", "the last 7 days", which buckets are still to
// come, how much of the previous period is comparable): the server's clock, or, on a test server
// (LUMEN_TEST_CLOCK, set by the test runner), the instant a request names in X-Lumen-Test-Now. Browser
// tests hold the page's clock (Playwright's page.clock) and send the same instant, so the server
// answers as it would at that moment, with no waiting for a time of day.
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { getEnv } from "./env";
import { ApiError } from "./errors";

export const TEST_NOW_HEADER = "x-lumen-test-now";

const requestClock = new AsyncLocalStorage<Date>();

export function requestNow(): Date {
  const held = requestClock.getStore();
  return held ? new Date(held) : new Date();
}

/** Runs a request's handler on the clock it names when this server takes test clocks; otherwise on the real one. */
export function withRequestClock<T>(request: Request, run: () => Promise<T>): Promise<T> {
  const named = request.headers.get(TEST_NOW_HEADER);
  if (named === null || !getEnv().LUMEN_TEST_CLOCK) return run();
  const at = new Date(named);
  if (Number.isNaN(at.getTime()))
    throw new ApiError("invalid_request", `${TEST_NOW_HEADER} must be an ISO 8601 instant`, [
      { path: TEST_NOW_HEADER, message: "must be an ISO 8601 instant" },
    ]);
  return requestClock.run(at, run);
}
