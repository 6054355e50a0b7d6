// A feed as an event stream: current value first, hub pushes after it, ids that continue from
// Last-Event-ID, heartbeats, and nothing left subscribed once the client goes away.
import { expect, it } from "vitest";
import { RealtimeHub } from "./hub";
import { openFeedStream } from "./sse";
import { type ServerSentEvent, SseParser } from "./sse-parser";

function reader(stream: ReadableStream<Uint8Array>) {
  const source = stream.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const queue: ServerSentEvent[] = [];
  let text = "";
  return {
    parser,
    text: () => text,
    async next(): Promise<ServerSentEvent> {
      while (queue.length === 0) {
        const chunk = await source.read();
        if (chunk.done) throw new Error("stream ended");
        const decoded = decoder.decode(chunk.value, { stream: true });
        text += decoded;
        queue.push(...parser.push(decoded));
      }
      return queue.shift()!;
    },
    async ended(): Promise<boolean> {
      for (;;) {
        const chunk = await source.read();
        if (chunk.done) return true;
        text += decoder.decode(chunk.value, { stream: true });
      }
    },
  };
}

it("sends the current value, then each recomputation, numbering on from Last-Event-ID", async () => {
  const hub = new RealtimeHub();
  let value = 10;
  const feed = { key: "count", projectId: "p1", compute: async () => ({ value: value++ }) };
  const abort = new AbortController();
  const events = reader(await openFeedStream(feed, { signal: abort.signal, lastEventId: "41", hub }));

  expect(await events.next()).toEqual({ type: "data", data: '{"value":10}', lastEventId: "42" });
  expect(events.parser.retryMs).toBe(2000);
  hub.markChanged("p1");
  await hub.tick();
  expect(await events.next()).toEqual({ type: "data", data: '{"value":11}', lastEventId: "43" });

  abort.abort();
  expect(await events.ended()).toBe(true);
  expect(hub.stats()).toMatchObject({ feeds: 0, viewers: 0 });
});

it("follows the first value with what the hub pushed while it was being computed", async () => {
  const hub = new RealtimeHub();
  let calls = 0;
  let releaseFirst: () => void = () => undefined;
  const feed = {
    key: "slow",
    projectId: "p1",
    // The stream's own first computation is slow; a recomputation after a change lands meanwhile.
    compute: () =>
      ++calls === 1
        ? new Promise<string>((resolve) => (releaseFirst = () => resolve("before")))
        : Promise.resolve("after"),
  };
  const opening = openFeedStream(feed, { signal: new AbortController().signal, hub });
  hub.markChanged("p1");
  await hub.tick();
  releaseFirst();
  const events = reader(await opening);
  expect((await events.next()).data).toBe('"before"');
  expect((await events.next()).data).toBe('"after"');
});

it("beats to keep proxies from closing it, and ends after its maximum age", async () => {
  const hub = new RealtimeHub();
  const events = reader(
    await openFeedStream(
      { key: "k", projectId: "p1", compute: async () => 1 },
      { signal: new AbortController().signal, heartbeatMs: 20, maxAgeMs: 120, hub },
    ),
  );
  await events.next();
  expect(await events.ended()).toBe(true);
  expect(events.text()).toContain(": heartbeat\n\n");
  expect(hub.stats().viewers).toBe(0);
});

it("rejects, and leaves nothing subscribed, when the first value cannot be computed", async () => {
  const hub = new RealtimeHub();
  const failing = { key: "bad", projectId: "p1", compute: () => Promise.reject(new Error("database down")) };
  await expect(openFeedStream(failing, { signal: new AbortController().signal, hub })).rejects.toThrow("database down");
  expect(hub.stats()).toEqual({ feeds: 0, viewers: 0, computations: 1 });
});

it("ends with the event it is given from outside, and says once that it closed", async () => {
  const hub = new RealtimeHub();
  let endWith: (end: { event: string; data?: Record<string, unknown> }) => void = () => undefined;
  const end = new Promise<{ event: string; data?: Record<string, unknown> }>((resolve) => (endWith = resolve));
  let closed = 0;
  const events = reader(
    await openFeedStream(
      { key: "k", projectId: "p1", compute: async () => 1 },
      { signal: new AbortController().signal, end, onClose: () => closed++, hub },
    ),
  );
  await events.next();
  endWith({ event: "revoked", data: { reason: "revoked" } });
  expect(await events.next()).toMatchObject({ type: "revoked", data: '{"reason":"revoked"}' });
  expect(await events.ended()).toBe(true);
  expect(closed).toBe(1);
  expect(hub.stats().viewers).toBe(0);
});
