import { randomUUID } from "node:crypto";
import { expect, it, vi } from "vitest";
import { ApiError } from "../errors";
import { PRINCIPAL_LIMITS, trackedPrincipals, withQueryGate } from "./query-gate";

/** A query that runs until `finish` is called. */
function heldQuery() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
/**
 * vi.waitFor's own limit is 1 s, which the config's expect.poll setting does not change: a worker the
 * machine leaves unscheduled that long would fail on it, not on a bug. Waited for as long as a poll.
 */
const waitLikeAPoll = { timeout: 30_000 };

it("admits a principal's requests up to its limit, then answers 429 with Retry-After", async () => {
  const principal = `key:${randomUUID()}`;
  const { requests } = PRINCIPAL_LIMITS.api;
  const held = heldQuery();
  const admitted = Array.from({ length: requests }, () => withQueryGate(principal, "api", () => held.done));
  const refused = await withQueryGate(principal, "api", async () => "ran").catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ApiError);
  expect(refused).toMatchObject({ code: "rate_limited", status: 429, headers: { "retry-after": "1" } });
  expect((refused as ApiError).message).toMatch(/at most 8 requests/);
  // Another principal is not affected.
  await expect(withQueryGate(`key:${randomUUID()}`, "api", async () => "ran")).resolves.toBe("ran");
  held.finish();
  await Promise.all(admitted);
  await expect(withQueryGate(principal, "api", async () => "ran")).resolves.toBe("ran");
  expect(trackedPrincipals()).toBe(0);
});

it("runs at most `running` of one principal's queries at once; the rest wait their turn in order", async () => {
  const principal = `user:${randomUUID()}`;
  const { running } = PRINCIPAL_LIMITS.app;
  const queries = Array.from({ length: running + 3 }, () => heldQuery());
  const started: number[] = [];
  const request = withQueryGate(principal, "app", ({ gate }) =>
    Promise.all(
      queries.map((q, i) =>
        gate.run(async () => {
          started.push(i);
          return q.done;
        }),
      ),
    ),
  );
  await settle();
  expect(started).toEqual(Array.from({ length: running }, (_, i) => i));
  queries[1]!.finish();
  await vi.waitFor(
    () => expect(started).toEqual([...Array.from({ length: running }, (_, i) => i), running]),
    waitLikeAPoll,
  );
  for (const q of queries) q.finish();
  await request;
  expect(started).toHaveLength(queries.length);
  expect(trackedPrincipals()).toBe(0);
});

it("drops a request's waiting queries once the request has ended (a sibling failed)", async () => {
  const principal = `embed:${randomUUID()}`;
  const { running } = PRINCIPAL_LIMITS.embed;
  const blocker = heldQuery();
  let ran = 0;
  const failing = withQueryGate(principal, "embed", ({ gate }) =>
    Promise.all([
      ...Array.from({ length: running - 1 }, () => gate.run(() => blocker.done)),
      gate.run(async () => {
        throw new ApiError("query_too_expensive", "too many buckets");
      }),
      gate.run(async () => void ran++),
    ]),
  );
  await expect(failing).rejects.toMatchObject({ code: "query_too_expensive" });
  blocker.finish();
  await vi.waitFor(() => expect(trackedPrincipals()).toBe(0), waitLikeAPoll);
  expect(ran).toBe(0);
});
