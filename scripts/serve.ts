// `npm run dev` / `npm start`: database first (embedded unless DATABASE_URL), migrations, then Next.js.
// In dev it also loads the demo workspace and prints its sign-in.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { progressBar } from "../lib/cli/progress";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase } from "../lib/db/client";
import { ensureDemoWorkspace } from "../lib/demo/demo-workspace";
import { getEnv } from "../lib/env";
import { getInstanceSecret } from "../lib/secrets";

const mode = process.argv[2] === "start" ? "start" : "dev";
const DEMO_EVENTS = 100_000;

async function main() {
  const env = getEnv();
  const db = await bootstrapDatabase();
  console.log(
    `Database: ${db.embedded ? `embedded PostgreSQL in ${env.LUMEN_DATA_DIR}` : "DATABASE_URL"}; migrations applied: ${db.applied.length || "none pending"}`,
  );

  if (mode === "dev") {
    const demo = await ensureDemoWorkspace({
      slug: "demo",
      events: DEMO_EVENTS,
      days: 90,
      secret: getInstanceSecret(),
      onProgress: progressBar("Demo events"),
    });
    console.log(
      [
        "",
        `  Lumen is starting on http://localhost:${env.PORT}`,
        `  Sign in:   ${demo.user.email} / ${demo.user.password}`,
        `  Write key: ${demo.write_key}`,
        `  Read key:  ${demo.read_key}`,
        "",
      ].join("\n"),
    );
  }
  await closeDatabase();

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const childEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`,
  };
  const child = spawn(process.execPath, [nextBin, mode, "-p", String(env.PORT)], { stdio: "inherit", env: childEnv });
  const shutdown = () => child.kill("SIGTERM");
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  child.on("exit", async (code) => {
    await db.stop();
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
