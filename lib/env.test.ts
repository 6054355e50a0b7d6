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
