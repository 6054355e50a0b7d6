// `npm test`: the whole suite against throw-away infrastructure. First, in seconds, the static checks:
// Biome (format and lint, `npm run lint`) and the TypeScript compiler (`npm run typecheck`). It then starts a fresh embedded
// PostgreSQL cluster (deleted afterwards), migrates it, builds and starts the app on a free port,
// then runs the unit/integration tests (Vitest) and the browser tests (Playwright in Chromium).
// The C++ SDK is built and tested too (Release, ASan+UBSan, TSan) where cmake and libcurl's headers
// are present (always in CI), and its integration test then runs against the same server.
// The query and ingestion suites then run again against PostgreSQL 15, the oldest supported server
// (Debian's postgresql-15, a throw-away cluster with its own app process; required in CI).
// `npm test -- --skip-build` reuses the last build; `--skip-cpp` leaves the C++ SDK out, `--skip-pg15`
// the PostgreSQL 15 pass; `--only static|vitest|playwright|pg15` runs one step.
//
// What runs side by side: the Vitest suites wait on conditions (refreshes, locks, servers), so one
// pass leaves about a third of two cores idle; the PostgreSQL 15 pass and the C++ SDK's sanitizer
// builds run beside it, on their own cluster and directories, with their output held and printed
// whole when each ends. The browser tests keep both cores busy: they run alone, after.
import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { prepareDatabase } from "../lib/db/prepare";
import { AppServer, freePort } from "../testing/app-server";
import { debianPostgresBin, hasSystemPostgres, startSystemPostgres } from "../testing/system-postgres";
import { type Failure, playwrightFailures, printFailures, vitestFailures } from "./test-summary";

const { values: flags, positionals: extraArgs } = parseArgs({
  allowPositionals: true,
  options: {
    "skip-build": { type: "boolean" },
    "skip-cpp": { type: "boolean" },
    "skip-pg15": { type: "boolean" },
    only: { type: "string" },
  },
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function waitForHealthy(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The app did not become healthy at ${baseUrl} within ${timeoutMs} ms`);
}

const bin = (name: string) => path.resolve("node_modules/.bin", name);

function hasCppToolchain(): boolean {
  const cmake = spawnSync("cmake", ["--version"]);
  const curl = spawnSync("sh", [
    "-c",
    "test -f /usr/include/curl/curl.h || test -f /usr/include/x86_64-linux-gnu/curl/curl.h || pkg-config --exists libcurl",
  ]);
  return cmake.status === 0 && curl.status === 0;
}

/** Runs a command with its output held back, printed whole under a heading when it ends. */
function runHeld(title: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
    const output: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("close", (code, signal) => {
      const exit = code ?? (signal ? 1 : 0);
      process.stdout.write(`\n==> ${title} (exit ${exit}; its output, held while other suites ran)\n`);
      process.stdout.write(Buffer.concat(output));
      process.stdout.write(`==> end of ${title}\n\n`);
      resolve(exit);
    });
  });
}

function cppSdkTestable(): boolean {
  if (flags["skip-cpp"]) return false;
  if (hasCppToolchain()) return true;
  if (process.env.CI) throw new Error("CI needs cmake and libcurl's headers for the C++ SDK (see .ci/run)");
  console.warn("Skipping the C++ SDK: cmake or libcurl's headers are missing");
  return false;
}

/** The C++ SDK's Release build and tests; resolves to the integration client's path. */
async function testCppRelease(env: NodeJS.ProcessEnv): Promise<string> {
  const code = await run("bash", ["sdk/cpp/scripts/test.sh", "release"], env);
  if (code !== 0) throw new Error(`C++ SDK tests failed (exit ${code})`);
  return path.resolve("sdk/cpp/build/lumen_integration_client");
}

/** Vitest's console reporter, and a JSON report for the summary at the end. */
const vitestReporters = (jsonFile: string) => [
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${jsonFile}`,
];

/** The query and ingestion suites against a throw-away PostgreSQL 15 cluster and an app process of its own. */
async function testOnPostgres15(env: NodeJS.ProcessEnv, dataDir: string): Promise<number> {
  const binDir = debianPostgresBin(15);
  if (!hasSystemPostgres(binDir)) {
    if (process.env.CI) throw new Error("CI needs Debian's postgresql-15 for the PostgreSQL 15 pass (see .ci/run)");
    console.warn(
      "Skipping the PostgreSQL 15 pass: /usr/lib/postgresql/15 is not installed (apt-get install postgresql-15)",
    );
    return 0;
  }
  const pg15 = await startSystemPostgres(binDir, path.join(dataDir, "pg15"), await freePort(), "lumen_test");
  const port = await freePort();
  const appEnv = {
    ...env,
    DATABASE_URL: pg15.url,
    LUMEN_TEST_BASE_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
  };
  const app = new AppServer(port, appEnv as Record<string, string>);
  try {
    await prepareDatabase(pg15.url, 30);
    await app.start();
    return await runHeld(
      `query and ingestion suites on PostgreSQL ${pg15.version}`,
      bin("vitest"),
      ["run", "lib/query", "lib/ingest", ...vitestReporters(path.join(dataDir, "vitest-pg15.json"))],
      appEnv,
    );
  } finally {
    await app.stop();
    await pg15.stop();
  }
}

/** Format, lint and types: fast, so a slip fails in seconds rather than after the build. */
async function runStaticChecks(): Promise<number> {
  const lint = await run(bin("biome"), ["ci", "--error-on-warnings", "."], process.env);
  if (lint !== 0) {
    console.error("Biome found format or lint problems: `npm run format` fixes the formatting and the safe fixes.");
    return lint;
  }
  return run(bin("tsc"), ["--noEmit"], process.env);
}

async function main(): Promise<number> {
  if (!flags.only || flags.only === "static") {
    const failed = await runStaticChecks();
    if (failed !== 0 || flags.only === "static") return failed;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "lumen-test-pg-"));
  // As root, PostgreSQL runs as the "postgres" user, who must be able to reach its data directory.
  await chmod(dataDir, 0o755);
  const pgPort = await freePort();
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "pg"),
    port: pgPort,
    database: "lumen_test",
    persistent: false,
  });
  let app: ReturnType<typeof spawn> | undefined;
  try {
    await prepareDatabase(db.url, 30);
    const appPort = await freePort();
    const baseUrl = `http://127.0.0.1:${appPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // playwright.config.ts writes its JSON report here (read by the summary at the end).
      LUMEN_PLAYWRIGHT_JSON: path.join(dataDir, "playwright.json"),
      DATABASE_URL: db.url,
      LUMEN_SECRET: "test-secret-test-secret-test-secret-0123",
      LUMEN_DATA_DIR: dataDir,
      LUMEN_LOG_LEVEL: "warn",
      LUMEN_COUNTRY_HEADER: "x-test-country",
      // The browser tests drive the tracker demo and the widget gallery, which production builds hide.
      LUMEN_TEST_PAGES: "1",
      // Browser tests of "today" hold the app's clock at a chosen instant (lib/clock.ts).
      LUMEN_TEST_CLOCK: "1",
      // Alert evaluation runs in one process at a time (a lease): the alert tests start app processes
      // of their own for it (lib/alerts/*-api.test.ts), so the shared app and other tests' servers leave it to them.
      LUMEN_ALERTS: "false",
      // A server enforces retention on today's clock as it starts, over every project: a test server
      // started mid-run (testing/app-server.ts) deleted other suites' events dated years back.
      // Retention is tested on clocks of its own (lib/privacy/retention*.test.ts).
      LUMEN_RETENTION: "false",
      // The alert tests' receivers listen on 127.0.0.1, which webhooks may not reach otherwise (lib/net/outbound.ts).
      LUMEN_OUTBOUND_ALLOWED_HOSTS: "127.0.0.1",
      LUMEN_TEST_BASE_URL: baseUrl,
      NEXTAUTH_URL: baseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
    };
    const withCpp = cppSdkTestable();
    const [built, cppClient] = await Promise.all([
      flags["skip-build"] ? 0 : run(bin("next"), ["build"], env),
      withCpp ? testCppRelease(env) : null,
    ]);
    if (built !== 0) return built;
    if (cppClient) env.LUMEN_CPP_CLIENT = cppClient;
    app = spawn(bin("next"), ["start", "-p", String(appPort), "-H", "127.0.0.1"], {
      stdio: ["ignore", "inherit", "inherit"],
      env,
    });
    await waitForHealthy(baseUrl, 60_000);

    // Every suite runs even after another failed, so one run shows every failure; the exit code is the first failure's.
    const sideBySide: Promise<number>[] = [];
    if (!flags.only || flags.only === "vitest")
      sideBySide.push(
        run(bin("vitest"), ["run", ...vitestReporters(path.join(dataDir, "vitest.json")), ...extraArgs], env),
      );
    if ((!flags.only && !flags["skip-pg15"]) || flags.only === "pg15") sideBySide.push(testOnPostgres15(env, dataDir));
    if (withCpp && !flags.only)
      sideBySide.push(runHeld("C++ SDK sanitizer builds", "bash", ["sdk/cpp/scripts/test.sh", "sanitizers"], env));
    let failed = (await Promise.all(sideBySide)).find((code) => code !== 0) ?? 0;
    // The specs seed through lib's server-only modules: Playwright's Node resolves them as server code.
    const playwrightEnv = {
      ...env,
      NODE_OPTIONS: [env.NODE_OPTIONS, "--conditions=react-server"].filter(Boolean).join(" "),
    };
    if (!flags.only || flags.only === "playwright") {
      const code = await run(bin("playwright"), ["test", ...(flags.only ? extraArgs : [])], playwrightEnv);
      failed ||= code;
    }
    if (failed !== 0) {
      const failures: Failure[] = [
        ...(await vitestFailures(path.join(dataDir, "vitest.json"), "vitest")),
        ...(await playwrightFailures(path.join(dataDir, "playwright.json"))),
        ...(await vitestFailures(path.join(dataDir, "vitest-pg15.json"), "vitest on PostgreSQL 15")),
      ];
      printFailures(failures);
    }
    return failed;
  } finally {
    app?.kill("SIGTERM");
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
