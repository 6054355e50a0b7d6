import { expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

it("applies defaults and treats blank values as unset", () => {
  const env = parseEnv({ DATABASE_URL: "", LUMEN_INGEST_RATE_LIMIT: "50" });
  expect(env.DATABASE_URL).toBeUndefined();
  expect(env.LUMEN_INGEST_RATE_LIMIT).toBe(50);
  expect(env.PORT).toBe(3000);
});

it("names every bad setting in one error", () => {
  let error: unknown;
  try {
    parseEnv({ DATABASE_URL: "mysql://x", LUMEN_SECRET: "short", LUMEN_LOG_LEVEL: "loud" });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EnvError);
  const problems = (error as EnvError).problems.join("\n");
  expect(problems).toMatch(/DATABASE_URL: must be a postgres/);
  expect(problems).toMatch(/LUMEN_SECRET: must be at least 32/);
  expect(problems).toMatch(/LUMEN_LOG_LEVEL/);
});

it("gives each query surface its own statement timeout, and bounds the pools", () => {
  const env = parseEnv({ LUMEN_EMBED_QUERY_TIMEOUT_MS: "2500" });
  expect([env.LUMEN_QUERY_TIMEOUT_MS, env.LUMEN_API_QUERY_TIMEOUT_MS, env.LUMEN_EMBED_QUERY_TIMEOUT_MS]).toEqual([
    30_000, 15_000, 2_500,
  ]);
  expect([env.LUMEN_DB_POOL_SIZE, env.LUMEN_REPORT_POOL_SIZE]).toEqual([10, 8]);
  expect(() => parseEnv({ LUMEN_API_QUERY_TIMEOUT_MS: "0" })).toThrow(/LUMEN_API_QUERY_TIMEOUT_MS/);
  expect(() => parseEnv({ LUMEN_REPORT_POOL_SIZE: "1000" })).toThrow(/LUMEN_REPORT_POOL_SIZE/);
});
