// The one place that reads process.env: every setting is validated here, with a clear message per bad one.
import "server-only";
import { z } from "zod";

export const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
    .optional(),
  LUMEN_DATA_DIR: z.string().min(1).default(".data"),
  LUMEN_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  LUMEN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  LUMEN_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  LUMEN_INGEST_RATE_LIMIT: z.coerce.number().int().positive().default(1000),
  /** Events per second per write key, over all its requests (a key's own event_rate_limit overrides it). */
  LUMEN_INGEST_EVENT_RATE_LIMIT: z.coerce.number().int().positive().default(10_000),
  /** How long a request body may take to arrive, from the request's start; slower ones get 408. */
  LUMEN_BODY_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(10),
  /** Reverse proxies in front of Lumen that append the client's address to X-Forwarded-For. */
  LUMEN_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  LUMEN_MAX_EVENT_AGE_DAYS: z.coerce.number().int().positive().max(3650).default(30),
  LUMEN_MAX_FUTURE_SECONDS: z.coerce.number().int().nonnegative().default(3600),
  /**
   * statement_timeout of a report query, per surface (lib/query/surfaces.ts): the signed-in app,
   * read-key API callers, and public embeds. Answered with 503 query_timeout.
   */
  LUMEN_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(30_000),
  LUMEN_API_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(15_000),
  LUMEN_EMBED_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(10_000),
  /** Connections per process: the app pool (ingestion, sign-in, the app's own tables) and the report-query pool (lib/db/client.ts). */
  LUMEN_DB_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(10),
  LUMEN_REPORT_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(8),
  LUMEN_COUNTRY_HEADER: z
    .string()
    .regex(/^[a-z0-9-]+$/i, "must be a header name such as cf-ipcountry")
    .optional(),
  /** Serves the test-only pages (/tracker-demo, /widgets-preview) from a production build; the test runner sets it. */
  LUMEN_TEST_PAGES: z.stringbool().default(false),
  /** Lets a request set the clock its report queries run on (X-Lumen-Test-Now, lib/clock.ts); the test runner sets it. Never in production. */
  LUMEN_TEST_CLOCK: z.stringbool().default(false),
  /** Distinct live feeds (choice sets: ranges, filters) one embed token may have open at once on a process. */
  LUMEN_EMBED_MAX_FEEDS_PER_TOKEN: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Evaluate alert rules and deliver their notifications in this process (one evaluator at a time across processes, by lease). */
  LUMEN_ALERTS: z.stringbool().default(true),
  /** Enforce retention daily in this process; off where `lumen retention` runs from cron instead. */
  LUMEN_RETENTION: z.stringbool().default(true),
  /** SMTP server for alert emails, e.g. smtp://user:password@mail.example.com:587 (smtps:// for TLS from the start). */
  LUMEN_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  /**
   * Host names alert webhooks and Slack channels may reach even when they resolve to internal
   * addresses (comma-separated, e.g. chat.corp.internal): every other internal destination is refused (lib/net/outbound.ts).
   */
  LUMEN_OUTBOUND_ALLOWED_HOSTS: z.string().optional(),
  /** The From of alert emails. */
  LUMEN_SMTP_FROM: z.string().min(3).default("Lumen alerts <alerts@localhost>"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The app's public URL, for sign-in callbacks; npm run dev / npm start default it to http://localhost:PORT. */
  NEXTAUTH_URL: z.url().optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const blankAsUnset = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(blankAsUnset);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Points this process (and the children it starts) at a database chosen at start-up, e.g. the embedded one. */
export function setDatabaseUrl(url: string): void {
  process.env.DATABASE_URL = url;
  if (cached) cached = { ...cached, DATABASE_URL: url };
}
