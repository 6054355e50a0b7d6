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
