// The Node SDK against a real HTTP server on 127.0.0.1 that records what it receives and answers
// what each test scripts.
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Lumen } from "./index";

interface Received {
  authorization?: string;
  body: {
    sent_at: string;
    events: {
      event_id: string;
      name: string;
      timestamp: string;
      user_id?: string;
      properties?: Record<string, unknown>;
      context?: { library?: { name: string } };
    }[];
  };
}

let server: Server;
let host: string;
let received: Received[];
/** Answers for the next requests, in order; then 202. */
let script: { status: number; headers?: Record<string, string> }[];

const readBody = async (request: IncomingMessage) => {
  let text = "";
  for await (const chunk of request) text += chunk;
  return JSON.parse(text) as Received["body"];
};

beforeEach(async () => {
  received = [];
  script = [];
  server = createServer(async (request, response) => {
    received.push({ authorization: request.headers.authorization, body: await readBody(request) });
    const { status, headers } = script.shift() ?? { status: 202 };
    const events = received.at(-1)!.body.events;
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(
      JSON.stringify(
        status === 202
          ? { accepted: events.length, duplicates: 0, bots: 0, rejected: [] }
          : { error: { code: "x", message: "scripted" } },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const sentEvents = () => received.flatMap((request) => request.body.events);

describe("batching", () => {
  it("sends full batches as they fill, and the rest on flush()", async () => {
    const lumen = new Lumen({ host, writeKey: "lmw_test", batchSize: 3, flushIntervalMs: 60_000 });
    const trackedFrom = Date.now();
    for (let i = 0; i < 7; i++) lumen.track({ name: "page", properties: { i } });
    const trackedUntil = Date.now();
    await lumen.flush();
    expect(received.map((request) => request.body.events.length)).toEqual([3, 3, 1]);
    expect(sentEvents().map((event) => event.properties?.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(received[0]!.authorization).toBe("Bearer lmw_test");
    const [first] = sentEvents();
    expect(first!.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first!.context?.library?.name).toBe("lumen-node");
    // Stamped when tracked (not when sent).
    expect(Date.parse(first!.timestamp)).toBeGreaterThanOrEqual(trackedFrom);
    expect(Date.parse(first!.timestamp)).toBeLessThanOrEqual(trackedUntil);
    await lumen.shutdown();
  });

  it("sends on its interval when a batch does not fill", async () => {
    const lumen = new Lumen({ host, writeKey: "k", batchSize: 100, flushIntervalMs: 50 });
    lumen.identify("u_1", { plan: "pro" });
    await expect.poll(() => received.length).toBe(1);
    expect(sentEvents()[0]).toMatchObject({ name: "$identify", user_id: "u_1", properties: { plan: "pro" } });
    await lumen.shutdown();
  });

  it("keeps a bounded queue and counts what it drops", async () => {
    const lumen = new Lumen({ host, writeKey: "k", batchSize: 100, maxQueueSize: 3 });
    for (let i = 0; i < 5; i++) lumen.track({ name: "e", properties: { i } });
    expect(lumen.dropped).toBe(2);
    await lumen.shutdown();
    expect(sentEvents().map((event) => event.properties?.i)).toEqual([2, 3, 4]);
  });
});

describe("retries", () => {
  it("retries 503 and 429 with the same event ids, honouring Retry-After", async () => {
    script = [{ status: 503 }, { status: 429, headers: { "retry-after": "1" } }];
    const lumen = new Lumen({ host, writeKey: "k", retryBaseMs: 10 });
    lumen.track({ name: "signup" });
    const started = Date.now();
    await lumen.flush();
    expect(received).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990); // Retry-After: 1
    expect(new Set(received.map((request) => request.body.events[0]!.event_id)).size).toBe(1);
    expect(lumen.dropped).toBe(0);
    await lumen.shutdown();
  });

  it("retries network errors, then gives up after maxRetries and reports it", async () => {
    await new Promise((resolve) => server.close(resolve));
    const errors: Error[] = [];
    const lumen = new Lumen({
      host,
      writeKey: "k",
      maxRetries: 2,
      retryBaseMs: 5,
      onError: (error) => errors.push(error),
    });
    lumen.track({ name: "lost" });
    await lumen.flush();
    expect(lumen.dropped).toBe(1);
    expect(errors).toHaveLength(1);
    server.listen(0, "127.0.0.1"); // for afterEach
    await lumen.shutdown();
  });

  it("does not retry a 4xx other than 429", async () => {
    script = [{ status: 401 }];
    const errors: Error[] = [];
    const lumen = new Lumen({ host, writeKey: "bad", retryBaseMs: 5, onError: (error) => errors.push(error) });
    lumen.track({ name: "x" });
    await lumen.flush();
    expect(received).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/401/);
    expect(lumen.dropped).toBe(1);
    await lumen.shutdown();
  });
});

describe("shutdown", () => {
  it("flushes what is queued and refuses new events", async () => {
    const lumen = new Lumen({ host, writeKey: "k", batchSize: 2, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) lumen.track({ name: "job_done", user_id: "u" });
    await lumen.shutdown();
    expect(sentEvents()).toHaveLength(5);
    expect(() => lumen.track({ name: "late" })).toThrow(/shut down/);
  });

  it("flushes before the process exits on its own", async () => {
    const script = path.join(import.meta.dirname, "testdata/exit-without-flush.ts");
    // A bound for a hang only: a fresh Node with tsx took seconds on a loaded machine; the test may take 60.
    await promisify(execFile)(process.execPath, ["--import", "tsx", script, host], { timeout: 50_000 });
    expect(sentEvents().map((event) => event.name)).toEqual(["cli_ran"]);
  });
});
