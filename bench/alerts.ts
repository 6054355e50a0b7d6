// Alert latency: the time from a spike's ingestion (the ingest request answered 202) to the
// webhook's arrival at a local receiver, for a rule evaluated at the default cadence (every minute:
// a one-hour window) and for a short-window rule (five minutes: also evaluated when events arrive).
// Targets: under 60 s and under 5 s. Each run is a fresh project with both rules and one spike.
// It prints numbers; it is not a test. Self-contained: a throw-away embedded PostgreSQL and an app
// process of the last build (run `npm run build` first), with alerts on.
//
//   npx tsx --conditions=react-server bench/alerts.ts [--runs 3] [--json]
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createApiKey } from "../lib/auth/api-keys";
import { closeDatabase } from "../lib/db/client";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { prepareDatabase } from "../lib/db/prepare";
import { setDatabaseUrl } from "../lib/env";
import { HttpReceiver } from "../testing/alert-receivers";
import { type AppServer, freePort, startAppServer, waitFor } from "../testing/app-server";
import { createTenant } from "../testing/fixtures";

const { values: flags } = parseArgs({
  options: { runs: { type: "string", default: "3" }, json: { type: "boolean", default: false } },
});
const runs = Number(flags.runs);

async function call<T>(app: AppServer, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** One project, both rules, one spike: milliseconds from the spike's 202 to each rule's webhook. */
async function measure(app: AppServer, receiver: HttpReceiver): Promise<{ cadence: number; short: number }> {
  const tenant = await createTenant();
  const { key } = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "bench" });
  const channel = await call<{ id: string }>(app, key, "POST", "/api/v1/alerts/channels", {
    project_id: tenant.projectId,
    name: "bench",
    kind: "webhook",
    url: `${receiver.url}/${tenant.projectId}`,
  });
  const rule = (minutes: number) =>
    call<{ id: string }>(app, key, "POST", "/api/v1/alerts", {
      project_id: tenant.projectId,
      name: `Errors over ${minutes} minutes`,
      query: { kind: "metric", event: "error", measure: { type: "count" } },
      window: { minutes },
      condition: { type: "threshold", op: "above", value: 10 },
      channel_ids: [channel.id],
    });
  const [cadenceRule, shortRule] = await Promise.all([rule(60), rule(5)]);
  // Both rules evaluated once: the evaluator has picked them up (and watches the short one's project).
  await waitFor(
    "the rules' first evaluations",
    async () => {
      const { rules } = await call<{ rules: { last_evaluated_at: string | null }[] }>(
        app,
        key,
        "GET",
        `/api/v1/alerts?project_id=${tenant.projectId}`,
      );
      return rules.every((r) => r.last_evaluated_at !== null);
    },
    90_000,
  );
  const arrivals = new Map<string, number>();
  const stop = receiver.onRequest((request) => {
    const ruleId = (request.json as { rule?: { id?: string } } | null)?.rule?.id;
    if (ruleId && !arrivals.has(ruleId)) arrivals.set(ruleId, request.receivedAt);
  });
  const response = await fetch(`${app.baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${tenant.writeKey}`, "content-type": "application/json" },
    body: JSON.stringify({ events: Array.from({ length: 20 }, () => ({ name: "error" })) }),
  });
  const ingested = Date.now();
  if (response.status !== 202) throw new Error(`ingestion answered ${response.status}`);
  await waitFor("both webhooks", () => arrivals.has(cadenceRule.id) && arrivals.has(shortRule.id), 150_000);
  stop();
  return {
    cadence: (arrivals.get(cadenceRule.id) as number) - ingested,
    short: (arrivals.get(shortRule.id) as number) - ingested,
  };
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "lumen-bench-alerts-"));
  await chmod(dataDir, 0o755);
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "pg"),
    port: await freePort(),
    database: "lumen_bench",
    persistent: false,
  });
  let app: AppServer | undefined;
  const receiver = await HttpReceiver.start();
  try {
    await prepareDatabase(db.url, 30);
    setDatabaseUrl(db.url);
    app = await startAppServer({
      DATABASE_URL: db.url,
      LUMEN_DATA_DIR: dataDir,
      LUMEN_ALERTS: "true",
      LUMEN_LOG_LEVEL: "warn",
      // The receiver listens on 127.0.0.1, an internal address webhooks may not reach unless allowed.
      LUMEN_OUTBOUND_ALLOWED_HOSTS: "127.0.0.1",
    });
    const results: { cadence: number; short: number }[] = [];
    for (let run = 1; run <= runs; run++) {
      const result = await measure(app, receiver);
      results.push(result);
      console.log(
        `run ${run}: default cadence (60-minute window) ${(result.cadence / 1000).toFixed(1)} s, short window (5 minutes) ${(result.short / 1000).toFixed(2)} s`,
      );
    }
    const cadence = summary(results.map((r) => r.cadence));
    const short = summary(results.map((r) => r.short));
    console.log(
      `spike ingested -> webhook received, over ${runs} runs: default cadence median ${(cadence.median / 1000).toFixed(1)} s (max ${(cadence.max / 1000).toFixed(1)} s, target < 60 s); short window median ${(short.median / 1000).toFixed(2)} s (max ${(short.max / 1000).toFixed(2)} s, target < 5 s)`,
    );
    if (flags.json) console.log(JSON.stringify({ runs, cadence_ms: cadence, short_window_ms: short }));
  } finally {
    await app?.stop();
    await receiver.stop();
    await closeDatabase();
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
