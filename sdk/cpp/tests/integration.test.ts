// The C++ SDK against the real Lumen server (started by `npm test`): events arrive with the right
// fields, and through an outage they persist on disk and are delivered exactly once afterwards.
// The outage is a TCP proxy in front of the server that stops accepting and drops connections.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getPrisma } from "../../../lib/db/client";
import { waitFor } from "../../../testing/app-server";
import { createTenant, type Tenant, testBaseUrl } from "../../../testing/fixtures";

const run = promisify(execFile);
const client = process.env.LUMEN_CPP_CLIENT;

interface Counters {
  tracked: number;
  sent: number;
  duplicates: number;
  dropped: number;
  evicted: number;
  persisted: number;
  recovered: number;
}

class OutageProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  async up(): Promise<void> {
    this.server = createServer((inbound) => {
      const outbound = createConnection({ host: this.target.hostname, port: Number(this.target.port) });
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function runClient(args: string[]): Promise<Counters> {
  const { stdout } = await run(client!, args, { timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Counters;
}

let tenant: Tenant;
let storage: string;

beforeAll(async () => {
  tenant = await createTenant();
  storage = await mkdtemp(path.join(tmpdir(), "lumen-cpp-"));
});

afterAll(async () => {
  await rm(storage, { recursive: true, force: true });
  await closeDatabase();
});

async function eventsOfRun(runId: string) {
  return getPrisma().event.findMany({
    where: { projectId: tenant.projectId, properties: { path: ["run_id"], equals: runId } },
  });
}

describe.skipIf(!client)("C++ SDK against the real server", () => {
  it("delivers events with their fields", async () => {
    const runId = randomUUID();
    const counters = await runClient([
      "--endpoint",
      testBaseUrl(),
      "--write-key",
      tenant.writeKey,
      "--events",
      "25",
      "--run-id",
      runId,
    ]);
    expect(counters).toMatchObject({ tracked: 25, sent: 25, dropped: 0 });
    const events = await eventsOfRun(runId);
    expect(events).toHaveLength(25);
    expect(new Set(events.map((e) => (e.properties as { index: number }).index))).toEqual(
      new Set(Array.from({ length: 25 }, (_, i) => i)),
    );
    expect(events[0]).toMatchObject({
      name: "integration_event",
      organizationId: tenant.organizationId,
      library: expect.stringMatching(/^lumen-cpp\//),
    });
    expect(events[0]!.os).toBeTruthy();
    expect(events[0]!.deviceType).toBe("desktop");
    // Client timestamps, corrected for skew, are close to when the program ran.
    expect(Math.abs(events[0]!.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("persists through an outage and delivers every event exactly once afterwards", async () => {
    const runId = randomUUID();
    const proxy = new OutageProxy(await freePort(), new URL(testBaseUrl()));
    await proxy.up();
    const endpoint = `http://127.0.0.1:${proxy.port}`;
    const total = 200;
    const common = [
      "--endpoint",
      endpoint,
      "--write-key",
      tenant.writeKey,
      "--storage",
      storage,
      "--run-id",
      runId,
      "--retry-initial-ms",
      "100",
      "--retry-max-ms",
      "500",
    ];
    const during = runClient([
      ...common,
      "--events",
      String(total),
      "--delay-ms",
      "10",
      "--shutdown-timeout-ms",
      "1500",
    ]);
    // The outage starts once part of the run has arrived (the client tracks for about 2 s).
    await waitFor("the first events of the run", async () => (await eventsOfRun(runId)).length > 0, 30_000, 20);
    await proxy.down();
    const first = await during;
    expect(first.persisted).toBeGreaterThan(0);
    expect((await eventsOfRun(runId)).length).toBeLessThan(total);

    await proxy.up();
    const second = await runClient([...common, "--events", "0"]);
    await proxy.down();
    expect(second.recovered).toBe(first.persisted);
    expect(first.dropped + second.dropped + first.evicted + second.evicted).toBe(0);

    const events = await eventsOfRun(runId);
    expect(events).toHaveLength(total);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(total);
    expect(new Set(events.map((e) => (e.properties as { index: number }).index)).size).toBe(total);
  });
});
