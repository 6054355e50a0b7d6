// A server process of the built app of its own: for tests that kill it or take its database away, and
// for tests of what a setting does (e.g. a tiny statement timeout) through the same production build
// and real HTTP. `npm test` builds the app first; this runs `next start` from that build on a free port.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Polls until `check` holds (a condition, not a fixed wait); throws with `what` past the deadline. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export class AppServer {
  private child: ChildProcess | undefined;
  readonly baseUrl: string;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts `next start` and resolves once /api/health answers (the database may be down: any answer
   * will do). Allowed as long as `npm test` allows its own app (scripts/test.ts): a fresh process
   * loading the build is the machine's speed, and one that exits fails at once.
   */
  async start(): Promise<void> {
    // Its own process group, so a kill reaches every process `next start` made.
    this.child = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", String(this.port), "-H", "127.0.0.1"], {
      env: { ...process.env, NEXTAUTH_URL: this.baseUrl, ...this.env },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    const child = this.child;
    await waitFor(
      `the app on port ${this.port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
        try {
          await fetch(`${this.baseUrl}/api/health`);
          return true;
        } catch {
          return false;
        }
      },
      60_000,
    );
  }

  /** Sends `signal` to the server's process group and waits until it is gone. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    const exited = once(child, "exit");
    process.kill(-child.pid, signal);
    await exited;
  }
}

/** Another app process on the test database with settings of its own, answering once it is up. */
export async function startAppServer(settings: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const server = new AppServer(port, { ...settings, LUMEN_TEST_BASE_URL: `http://127.0.0.1:${port}` });
  await server.start();
  return server;
}
