// The C++ SDK against the real Lumen server (started by `npm test`): events arrive with the right
// fields, and through an outage they persist on disk and are delivered exactly once afterwards.
// The outage is a TCP proxy in front of the server that stops accepting and drops connections.
// Native apps: lifecycle and screen events, a crash sent once on the next start, embed tokens the SDK
// signs verified by the server, and the SDK's live subscription receiving an ingested change.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getPrisma } from "../../../lib/db/client";
import { waitFor } from "../../../testing/app-server";
import { createTenant, postEvents, type Tenant, testBaseUrl } from "../../../testing/fixtures";

const run = promisify(execFile);
const client = process.env.LUMEN_CPP_CLIENT;
// Built beside the integration client by sdk/cpp/scripts/test.sh.
const embedClient = client ? path.join(path.dirname(client), "lumen_embed_client") : undefined;

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
  /** An outage the proxy started itself (downAfterFirstAnswer), until it is complete. */
  private outage: Promise<void> = Promise.resolve();
  constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  /**
   * Forwards connections to the server. With `downAfterFirstAnswer`, the proxy goes down by itself as
   * soon as the server's first answer has passed through it: the outage starts once part of a run
   * has arrived, whatever the speed of the machine (a client sending one batch at a time has had one
   * batch taken).
   */
  async up({ downAfterFirstAnswer = false } = {}): Promise<void> {
    await this.outage;
    let answered = false;
    this.server = createServer((inbound) => {
      const outbound = createConnection({ host: this.target.hostname, port: Number(this.target.port) });
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
      if (downAfterFirstAnswer)
        outbound.once("data", () => {
          if (answered) return;
          answered = true;
          // On the next turn: the pipe has passed these bytes on to the client first.
          this.outage = new Promise((resolve) => setImmediate(() => void this.down().then(resolve)));
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
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

/** Runs a client that crashes on purpose; resolves with the signal that ended it. */
function runCrashingClient(args: string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(client!, args, { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve(signal));
  });
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
    // The outage starts once the server has answered the run's first batch (the client tracks for
    // about 2 s): before, the test started it on seeing the first events stored, which a slow poll
    // saw only after the whole run had arrived.
    await proxy.up({ downAfterFirstAnswer: true });
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
    const first = await runClient([
      ...common,
      "--events",
      String(total),
      "--delay-ms",
      "10",
      "--shutdown-timeout-ms",
      "1500",
    ]);
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

describe.skipIf(!client)("C++ SDK in native apps, against the real server", () => {
  it("sends lifecycle and screen events in order, with the app's version, and an install only once", async () => {
    const runId = randomUUID();
    const own = await createTenant();
    const dir = await mkdtemp(path.join(tmpdir(), "lumen-cpp-life-"));
    try {
      const args = ["--endpoint", testBaseUrl(), "--write-key", own.writeKey, "--storage", dir, "--lifecycle", "1"];
      await runClient([...args, "--events", "0", "--run-id", runId, "--app-build", "77"]);
      await runClient([...args, "--events", "0", "--run-id", runId]);
      const events = await getPrisma().event.findMany({ where: { projectId: own.projectId } });
      const expected = [
        "$app_installed",
        "$app_opened",
        "$screen",
        "$app_closed",
        "$app_opened",
        "$screen",
        "$app_closed",
      ];
      expect(events.map((e) => e.name).sort()).toEqual([...expected].sort());
      // The k-th occurrence of a name is its k-th event in time; along the expected sequence time
      // never goes back (events tracked in the same millisecond share a timestamp).
      const byName = new Map<string, typeof events>();
      for (const e of [...events].sort((x, y) => x.timestamp.getTime() - y.timestamp.getTime()))
        byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
      const inOrder = expected.map((name) => byName.get(name)!.shift()!);
      for (let i = 1; i < inOrder.length; i++)
        expect(inOrder[i]!.timestamp.getTime()).toBeGreaterThanOrEqual(inOrder[i - 1]!.timestamp.getTime());
      for (const e of events) expect(e.appVersion).toMatch(/^\d+\.\d+\.\d+$/);
      expect(inOrder[0]!.properties).toMatchObject({ app_build: "77" });
      expect(inOrder[2]!.properties).toMatchObject({ screen_name: "Main", run_id: runId, app_build: "77" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("sends a crash of the previous run once, on the next start", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "lumen-cpp-crash-"));
    const crashes = () => getPrisma().event.findMany({ where: { projectId: tenant.projectId, name: "$crash" } });
    try {
      const before = (await crashes()).length;
      const args = ["--endpoint", testBaseUrl(), "--write-key", tenant.writeKey, "--storage", dir];
      expect(await runCrashingClient([...args, "--events", "1", "--crash", "segv", "--app-build", "crash-1"])).toBe(
        "SIGSEGV",
      );
      const next = await runClient([...args, "--events", "0"]);
      expect(next).toMatchObject({ recovered: 1, sent: 1, dropped: 0 });
      await runClient([...args, "--events", "0"]);
      const sent = (await crashes()).slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.properties).toMatchObject({
        kind: "signal",
        signal_name: "SIGSEGV",
        app_build: "crash-1",
        frames: expect.stringMatching(/^0x[0-9a-f]+( 0x[0-9a-f]+)+$/),
      });
      expect((sent[0]!.properties as { uptime_ms: number }).uptime_ms).toBeGreaterThanOrEqual(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!client)("C++ SDK widgets: embed tokens and live subscription, against the real server", () => {
  let secret: string;
  let widgetId: string;

  beforeAll(async () => {
    secret = (
      await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId }, select: { embedSecret: true } })
    ).embedSecret;
    const report = await getPrisma().report.create({
      data: {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        name: "Native",
        widgets: {
          create: [
            {
              title: "Orders",
              query: { kind: "metric", event: "native_order", compare: false },
              viz: { type: "metric" },
            },
          ],
        },
      },
      include: { widgets: true },
    });
    widgetId = report.widgets[0]!.id;
  });

  async function mint(...extra: string[]): Promise<{ token: string; url: string }> {
    const { stdout } = await run(embedClient!, [
      "mint",
      "--project",
      tenant.projectId,
      "--secret",
      secret,
      "--resource",
      `widget:${widgetId}`,
      "--base-url",
      testBaseUrl(),
      ...extra,
    ]);
    return JSON.parse(stdout) as { token: string; url: string };
  }

  const order = (plan: string) => ({
    events: [{ event_id: randomUUID(), name: "native_order", properties: { plan } }],
  });

  it("mints tokens the server verifies, with their locked filter; tampered or expired ones are refused", async () => {
    expect((await postEvents(order("pro"), { key: tenant.writeKey })).status).toBeLessThan(300);
    expect((await postEvents(order("free"), { key: tenant.writeKey })).status).toBeLessThan(300);
    const { token, url } = await mint("--filter", "properties.plan=pro", "--theme", "dark");
    expect(url).toBe(`${testBaseUrl()}/embed/${token}`);
    const data = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data`);
    expect(data.status).toBe(200);
    const body = (await data.json()) as { widgets: { result: { value?: number } }[] };
    expect(body.widgets[0]!.result.value).toBe(1);
    expect((await fetch(url)).status).toBe(200);

    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as { params: { filters: unknown[] } };
    claims.params.filters = [];
    const widened = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const tampered = await fetch(`${testBaseUrl()}/api/v1/embed/${widened}/data`);
    expect(tampered.status).toBe(401);

    const expired = await mint("--lifetime-s", "60", "--issued-ago-s", "120");
    const refused = await fetch(`${testBaseUrl()}/api/v1/embed/${expired.token}/data`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { details: unknown[] } }).error.details[0]).toEqual({
      path: "token",
      message: "expired",
    });
  });

  // How soon the update comes is printed, not asserted: on a loaded machine it is the machine's speed
  // (the ingest, the hub's tick, the widget's query, the stream, the client's process).
  it("delivers an ingested event to the live subscription as an update, and stops cleanly", async () => {
    const { token } = await mint();
    /** The embed's data now, as its data API answers: its version is the stream's event id for it. */
    const dataNow = async () => {
      const body = (await (await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data`)).json()) as {
        version: string;
        widgets: { result: { value?: number } }[];
      };
      return { version: body.version, orders: body.widgets[0]!.result.value };
    };
    const child: ChildProcessWithoutNullStreams = spawn(embedClient!, [
      "subscribe",
      "--base-url",
      testBaseUrl(),
      "--token",
      token,
    ]);
    const lines: { event: string; at: number }[] = [];
    createInterface({ input: child.stdout }).on("line", (line) =>
      lines.push({ ...(JSON.parse(line) as { event: string }), at: Date.now() }),
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const updates = () => lines.filter((l) => l.event === "update");
      const before = await dataNow();
      await waitFor("the initial data", async () => updates().some((u) => u.id === before.version), 30_000, 10);
      const ingestedAt = Date.now();
      expect((await postEvents(order("pro"), { key: tenant.writeKey })).status).toBeLessThan(300);
      let after = before;
      await waitFor(
        "the order in the data",
        async () => {
          after = await dataNow();
          return after.orders !== before.orders;
        },
        30_000,
        20,
      );
      expect(after.orders).toBe((before.orders ?? 0) + 1);
      expect(after.version).not.toBe(before.version);
      // The stream sends the data that now counts the order, without being asked again.
      await waitFor(
        "the update that carries it",
        async () => updates().some((u) => u.id === after.version),
        30_000,
        10,
      );
      const update = updates().find((u) => u.id === after.version)!;
      console.log(`C++ live subscription: ${update.at - ingestedAt} ms from ingest request to the update`);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(lines.at(-1)?.event).toBe("stopped");
  });
});
