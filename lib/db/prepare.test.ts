import { describe, expect, it } from "vitest";
import { assertSupportedServer } from "./prepare";

const server = (num: string, version: string) => ({ query: async () => ({ rows: [{ num, version }] }) }) as never;

describe("assertSupportedServer", () => {
  it("accepts PostgreSQL 15 and later", async () => {
    await expect(assertSupportedServer(server("150018", "15.18"))).resolves.toBeUndefined();
    await expect(assertSupportedServer(server("180004", "18.4"))).resolves.toBeUndefined();
  });

  it("refuses an older server, naming its version", async () => {
    await expect(assertSupportedServer(server("140011", "14.11 (Debian 14.11-1)"))).rejects.toThrow(
      "Lumen needs PostgreSQL 15 or later; the server at DATABASE_URL is PostgreSQL 14.11 (Debian 14.11-1)",
    );
  });
});
