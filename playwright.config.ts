// Browser tests run against the app that `npm test` starts (LUMEN_TEST_BASE_URL), in Chromium:
// Debian's /usr/bin/chromium when present, otherwise Playwright's own browser.
import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const baseURL = process.env.LUMEN_TEST_BASE_URL;
if (!baseURL) throw new Error("Run browser tests through `npm test` (it starts the app and sets LUMEN_TEST_BASE_URL)");

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // Assertions wait on conditions; on a loaded two-core machine (CI, or several suites at once) a
  // first render can take longer than Playwright's default 5 s (an overview of twenty panels took
  // over 15 s at load 23), and a longer wait costs nothing when the condition holds early.
  expect: { timeout: 30_000 },
  // A test of several navigations and drags gets four times Playwright's default for the same
  // reason: at load 30 on two cores a layout test of three reloads took over a minute.
  timeout: 120_000,
  // A JSON report besides, when `npm test` asks for one: it prints the failures again at the end of the run.
  reporter: [
    [process.env.CI ? "line" : "list"],
    ...(process.env.LUMEN_PLAYWRIGHT_JSON
      ? [["json", { outputFile: process.env.LUMEN_PLAYWRIGHT_JSON }] as const]
      : []),
  ],
  // Headless Chromium paints in software, and most of a run's CPU was the browser's (812 of about
  // 1,100 CPU-seconds): a pulsing placeholder or spinner makes it paint every frame, and a trace
  // snapshots the page and screenshots it at every step. Pages ask for reduced motion (the app then
  // stands still, app/globals.css; the test of motion itself asks for it), and traces are taken on
  // request (`npm test -- --only playwright -- --trace retain-on-failure`): the whole run went from
  // 10.0 to 7.3 minutes, the browser's CPU from 812 to 409 s.
  use: {
    baseURL,
    trace: "off",
    reducedMotion: "reduce",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: systemChromium,
          // Requests that outlive their page (sent on pagehide) carry the browser's real user agent,
          // which says HeadlessChrome, and the server drops bots: present a plain Chrome everywhere.
          args: [
            `--user-agent=${devices["Desktop Chrome"].userAgent}`,
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
