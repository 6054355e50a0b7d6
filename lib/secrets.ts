// The instance secret: LUMEN_SECRET, or one generated once and kept in the data folder (development).
import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "./env";

export function getInstanceSecret(): string {
  const env = getEnv();
  if (env.LUMEN_SECRET) return env.LUMEN_SECRET;
  const file = path.resolve(env.LUMEN_DATA_DIR, "secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}
