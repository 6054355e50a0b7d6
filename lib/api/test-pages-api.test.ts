// The test-only pages (the tracker demo and the widget gallery) over real HTTP: a production build
// answers 404 for them unless LUMEN_TEST_PAGES is set, as the test runner sets it for the browser
// tests. A second server runs the same build without it.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { testBaseUrl } from "../../testing/fixtures";

const TEST_PAGES = [
  "/tracker-demo",
  "/tracker-demo/pricing/annual?key=x",
  "/tracker-demo/report.csv",
  "/tracker-demo/vitals",
  "/tracker-demo/slow-image.svg",
  "/widgets-preview",
];

let production: ChildProcess;
let productionUrl: string;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (typeof address !== "object" || !address) throw new Error("no free port");
  return address.port;
}

async function waitUntilHealthy(url: string, deadline: number): Promise<void> {
  for (;;) {
    const healthy = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`${url} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const port = await freePort();
  productionUrl = `http://127.0.0.1:${port}`;
  const { LUMEN_TEST_PAGES: _testPages, ...env } = process.env;
  production = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...env, NODE_ENV: "production" },
    stdio: "ignore",
  });
  await waitUntilHealthy(productionUrl, Date.now() + 60_000);
});

afterAll(async () => {
  if (production.exitCode === null) {
    production.kill("SIGTERM");
    await once(production, "exit");
  }
});

it("hides the test-only pages from a production build", async () => {
  for (const page of TEST_PAGES) {
    const response = await fetch(`${productionUrl}${page}`);
    expect({ page, status: response.status }).toEqual({ page, status: 404 });
  }
  expect((await fetch(`${productionUrl}/`)).status).toBe(200);
});

it("serves them where the test runner asked for them", async () => {
  for (const page of TEST_PAGES) {
    const response = await fetch(`${testBaseUrl()}${page}`);
    expect({ page, status: response.status }).toEqual({ page, status: 200 });
  }
});
