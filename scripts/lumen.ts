// `npm run lumen -- <command> [--flags] [--json]`: the operator CLI. Run without a command for help.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { runInRequestContext } from "../lib/api/request-context";
import { commands } from "../lib/cli/commands";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { closeDatabase } from "../lib/db/client";
import { EnvError } from "../lib/env";
import { ApiError } from "../lib/errors";

function printHelp(): void {
  console.log("Usage: npm run lumen -- <command> [flags] [--json]\n\nCommands:");
  for (const command of Object.values(commands)) console.log(`  ${command.usage}`);
}

function describe(error: unknown): string {
  if (error instanceof ZodError)
    return error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("\n");
  if (error instanceof ApiError || error instanceof EnvError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<number> {
  const stringFlags = [
    "name",
    "slug",
    "email",
    "password",
    "org",
    "role",
    "timezone",
    "domain",
    "kind",
    "project",
    "origins",
    "rate-limit",
    "event-rate-limit",
    "id",
    "events",
    "days",
    "user-id",
    "anonymous-id",
    "out",
    "raw-months",
    "aggregate-months",
    "limit",
  ];
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      "dry-run": { type: "boolean" },
      wait: { type: "boolean" },
      ...Object.fromEntries(stringFlags.map((flag) => [flag, { type: "string" as const }])),
    },
  });
  const name = positionals[0];
  const command = name ? commands[name] : undefined;
  if (!command) {
    printHelp();
    return name ? 2 : 0;
  }
  const db = await bootstrapDatabase();
  try {
    // One id per run, which the audit log records with each of its entries.
    const result = await runInRequestContext({ requestId: `cli-${randomUUID()}` }, () =>
      command.run(values, positionals.slice(1)),
    );
    const print = result.summaryToStderr ? console.error : console.log;
    print(values.json ? JSON.stringify(result.json) : result.lines.join("\n"));
    if (!values.json && db.applied.length) console.error(`Applied migrations: ${db.applied.join(", ")}`);
    return 0;
  } finally {
    await closeDatabase();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lumen: ${describe(error)}`);
    process.exit(1);
  },
);
