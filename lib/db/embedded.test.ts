// As root, the embedded server runs as the "postgres" user: a data directory that user cannot reach
// is refused up front with what to do, not with initdb's EACCES.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";

const locked = await mkdtemp(path.join(tmpdir(), "lumen-locked-"));

afterAll(async () => {
  await rm(locked, { recursive: true, force: true });
});

it.runIf(process.getuid?.() === 0)(
  "as root, names the directory the postgres user cannot enter and what to do",
  async () => {
    await chmod(locked, 0o700);
    const start = startEmbeddedPostgres({
      dataDir: path.join(locked, "pg"),
      port: 1,
      database: "never",
      persistent: false,
    });
    await expect(start).rejects.toThrow(`cannot enter ${locked} to reach its data directory`);
    await expect(start).rejects.toThrow("set DATABASE_URL");
  },
);
