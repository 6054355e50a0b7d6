import { createRequire } from "node:module";
import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// `import "server-only"` marks modules that touch the database, secrets or auth (Next refuses them in
// client code). Its package throws unless resolved under the "react-server" condition, as Next does
// for server code; tests are server code, so they get the package's empty module the same way.
const serverOnlyEmpty = path.join(path.dirname(createRequire(import.meta.url).resolve("server-only")), "empty.js");

/**
 * Files whose app servers evaluate alert rules (LUMEN_ALERTS): an evaluator takes every enabled rule
 * in the database, and a rule it evaluates at its clock (now, or days ahead) refuses a test's own
 * evaluation at an earlier instant (lib/alerts/evaluate.ts). The suites that evaluate rules directly
 * (conditions, anomaly, segments) failed whenever they ran beside it, so it runs alone. First, rather
 * than last: it mostly waits on its servers and clocks, and at the start `npm test` has the
 * PostgreSQL 15 pass and the C++ sanitizer builds beside it to use the cores it leaves idle.
 */
const ALERT_EVALUATOR_FILES = ["lib/alerts/alerts-delivery-api.test.ts"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": serverOnlyEmpty } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "suites",
          include: [
            "lib/**/*.test.ts",
            "app/**/*.test.ts",
            "components/**/*.test.{ts,tsx}",
            "scripts/**/*.test.ts",
            "sdk/node/**/*.test.ts",
            "sdk/browser/**/*.test.ts",
            "sdk/cpp/tests/*.test.ts",
          ],
          exclude: [...configDefaults.exclude, ...ALERT_EVALUATOR_FILES],
          sequence: { groupOrder: 1 },
        },
      },
      { extends: true, test: { name: "alert evaluator", include: ALERT_EVALUATOR_FILES, sequence: { groupOrder: 0 } } },
    ],
    // Tests wait on conditions, so a long limit costs nothing when they pass; it is sized for a
    // two-core machine running other suites at once (a load of 30), where an HTTP test of a few
    // sign-ins took 30 s.
    testTimeout: 60_000,
    // Setup hooks seed data sets (a day of events, rollups refreshed): at load 30 some took over 60 s.
    hookTimeout: 120_000,
    // expect.poll waits on a condition too: Vitest's 1 s default fails on a busy machine, not on a bug.
    expect: { poll: { timeout: 30_000 } },
    // Test files share one database; each seeds its own organization, so they can run side by side.
    fileParallelism: true,
    // Half again as many files as cores: a file spends about a third of its time waiting (on the app
    // server, a refresh's lock, a condition), and with one file per core that time left the cores idle.
    maxWorkers: "150%",
  },
});
