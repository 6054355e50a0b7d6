// Coalescing: however many viewers share a feed, a change costs one computation per tick.
import { expect, it } from "vitest";
import { RealtimeHub } from "./hub";

it("computes each changed feed once per tick and fans the result out to all its viewers", async () => {
  const hub = new RealtimeHub();
  let computed = 0;
  const received: number[] = [];
  const feed = { key: "embed-a", projectId: "p1", compute: async () => ++computed };
  const unsubscribers = Array.from({ length: 1000 }, () => hub.subscribe(feed, (value) => received.push(value)));
  const other = hub.subscribe({ key: "embed-b", projectId: "p2", compute: async () => -1 }, () => received.push(-1));

  hub.markChanged("p1");
  hub.markChanged("p1");
  await hub.tick();
  expect(computed).toBe(1);
  expect(received).toHaveLength(1000);
  expect(received.every((v) => v === 1)).toBe(true);

  await hub.tick();
  expect(computed).toBe(1);

  for (const unsubscribe of unsubscribers) unsubscribe();
  other();
  hub.markChanged("p1");
  await hub.tick();
  expect(computed).toBe(1);
  expect(hub.computations).toBe(1);
});

it("recomputes a clock-dependent feed on its own schedule, with no change, and counts what it carries", async () => {
  const hub = new RealtimeHub();
  let computed = 0;
  const received: number[] = [];
  const stop = hub.subscribe(
    { key: "live", projectId: "p1", refreshMs: 30_000, compute: async () => ++computed },
    (value) => received.push(value),
  );
  // The feed's schedule starts when it is subscribed: read the clock after that, not before (a
  // loaded machine put milliseconds between the two, and +30 s was then not yet due).
  const start = Date.now();
  hub.subscribe({ key: "live", projectId: "p1", compute: async () => -1 }, () => undefined);
  expect(hub.stats()).toEqual({ feeds: 1, viewers: 2, computations: 0 });

  await hub.tick(start + 29_000);
  expect(computed).toBe(0);
  await hub.tick(start + 30_000);
  expect(received).toEqual([1]);
  // Recomputed at +30 s, so the next refresh is due at +60 s.
  await hub.tick(start + 59_000);
  expect(computed).toBe(1);
  await hub.tick(start + 60_000);
  expect(received).toEqual([1, 2]);
  stop();
  expect(hub.stats()).toEqual({ feeds: 1, viewers: 1, computations: 2 });
});

it("keeps a feed that was started again after its last viewer left, however often the old one unsubscribes", () => {
  const hub = new RealtimeHub();
  const feed = { key: "embed-a", projectId: "p1", compute: async () => 1 };
  const first = hub.subscribe(feed, () => undefined);
  first();
  hub.subscribe(feed, () => undefined);
  first();
  expect(hub.stats()).toMatchObject({ feeds: 1, viewers: 1 });
});

it("drops a viewer whose listener throws (its stream closed without unsubscribing), and the feed with its last viewer", async () => {
  const hub = new RealtimeHub();
  let computed = 0;
  const feed = { key: "embed-a", projectId: "p1", compute: async () => ++computed };
  const received: number[] = [];
  hub.subscribe(feed, () => {
    throw new TypeError("Invalid state: Controller is already closed");
  });
  const live = hub.subscribe(feed, (value) => received.push(value));
  hub.markChanged("p1");
  await hub.tick();
  expect(received).toEqual([1]);
  expect(hub.stats()).toMatchObject({ feeds: 1, viewers: 1 });

  live();
  hub.subscribe(feed, () => {
    throw new TypeError("closed");
  });
  hub.markChanged("p1");
  await hub.tick();
  expect(hub.stats()).toMatchObject({ feeds: 0, viewers: 0 });
  hub.markChanged("p1");
  await hub.tick();
  expect(computed).toBe(2);
});

it("gives viewers arriving together one shared computation of the current value, and the newest result afterwards", async () => {
  const hub = new RealtimeHub();
  let computed = 0;
  const feed = { key: "embed-a", projectId: "p1", compute: async () => ++computed };
  const arrivals = Array.from({ length: 1000 }, () => {
    hub.subscribe(feed, () => undefined);
    return hub.current(feed);
  });
  expect(await Promise.all(arrivals)).toEqual(Array(1000).fill(1));
  expect(computed).toBe(1);

  // No change since: a later arrival gets the same result without a query.
  hub.subscribe(feed, () => undefined);
  expect(await hub.current(feed)).toBe(1);
  expect(computed).toBe(1);

  // After a change, the tick's recomputation is what arrivals get.
  hub.markChanged("p1");
  await hub.tick();
  expect(await hub.current(feed)).toBe(2);
  expect(hub.stats().computations).toBe(2);
});

it("never lets an older computation's result replace a newer one's", async () => {
  const hub = new RealtimeHub();
  const releases: (() => void)[] = [];
  let calls = 0;
  const feed = {
    key: "slow",
    projectId: "p1",
    // Each computation resolves, with its own number, only when the test says so.
    compute: () =>
      new Promise<number>((resolve) => {
        const n = ++calls;
        releases.push(() => resolve(n));
      }),
  };
  hub.subscribe(feed, () => undefined);
  const first = hub.current(feed);
  hub.markChanged("p1");
  const tick = hub.tick();
  releases[1]!();
  await tick;
  releases[0]!();
  expect(await first).toBe(1);
  expect(await hub.current(feed)).toBe(2);
});
