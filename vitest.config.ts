import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.{ts,tsx}", "scripts/**/*.test.ts", "sdk/cpp/tests/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share one database; each seeds its own organization, so they can run side by side.
    fileParallelism: true,
  },
});
