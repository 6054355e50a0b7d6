// The event-stream parser against the HTML standard's rules, fed in awkward chunks.
import { expect, it } from "vitest";
import { SseParser } from "./sse-parser";

it("parses events, multi-line data, ids, retry and comments", () => {
  const parser = new SseParser();
  const events = parser.push(
    'retry: 2000\n\n: heartbeat\n\nid: 7\nevent: data\ndata: {"a":1}\n\ndata: one\ndata:two\n\n',
  );
  expect(events).toEqual([
    { type: "data", data: '{"a":1}', lastEventId: "7" },
    { type: "message", data: "one\ntwo", lastEventId: "7" },
  ]);
  expect(parser.retryMs).toBe(2000);
});

it("gives the same events however the text is split, whatever the line endings", () => {
  const text = "id: 1\r\nevent: data\r\ndata: x\r\n\r\nid: 2\rdata: y\r\rdata: z\n\n";
  const whole = new SseParser().push(text);
  const parser = new SseParser();
  const split = [...text].flatMap((char) => parser.push(char));
  expect(whole).toEqual([
    { type: "data", data: "x", lastEventId: "1" },
    { type: "message", data: "y", lastEventId: "2" },
    { type: "message", data: "z", lastEventId: "2" },
  ]);
  expect(split).toEqual(whole);
});

it("waits for the blank line before dispatching, and ignores blocks without data", () => {
  const parser = new SseParser();
  expect(parser.push("event: data\ndata: par")).toEqual([]);
  expect(parser.push("tial\n")).toEqual([]);
  expect(parser.push("\nretry: soon\nid: 3\n\n")).toEqual([{ type: "data", data: "partial", lastEventId: "" }]);
  expect(parser.retryMs).toBeUndefined();
  expect(parser.lastEventId).toBe("3");
});
