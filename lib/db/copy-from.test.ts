// The fence around pg's connection internals (copy-from.ts): rows COPYed through both paths come
// back intact, failures leave the connection usable, and a pg without the methods used is named.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COPY_CONNECTION_MEMBERS, COPY_SOCKET_MEMBERS, copyFrom, runCopyScript } from "./copy-from";
import { missingMembers } from "./library-internals";

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("CREATE TEMP TABLE copied (id integer PRIMARY KEY, label text, payload jsonb)");
  await client.query("CREATE TEMP TABLE copied_too (id integer PRIMARY KEY)");
});

afterAll(async () => {
  await client.end();
});

const row = (id: number) => `${id}\tlabel ${id}, with\\ttab and "quotes"\t{"n": ${id}, "pad": "${"x".repeat(200)}"}\n`;

describe("pg's connection", () => {
  it("still has every method and socket member copy-from.ts drives", async () => {
    const connection = (client as unknown as { connection: pg.Connection }).connection;
    expect(
      missingMembers(connection, COPY_CONNECTION_MEMBERS),
      "pg's Connection lost members lib/db/copy-from.ts calls",
    ).toEqual([]);
    expect(
      missingMembers(connection.stream, COPY_SOCKET_MEMBERS),
      "pg's connection socket lost members lib/db/copy-from.ts calls",
    ).toEqual([]);
  });
});

describe("copyFrom", () => {
  it("loads megabytes of rows in chunks, past the socket's buffer, and they read back as sent", async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    // About 5 MB in 256-row chunks: the socket asks for a drain many times over.
    const chunks = function* () {
      for (let i = 0; i < ids.length; i += 256)
        yield Buffer.from(
          ids
            .slice(i, i + 256)
            .map(row)
            .join(""),
        );
    };
    expect(await copyFrom(client, "COPY copied (id, label, payload) FROM STDIN", chunks())).toBe(ids.length);
    const { rows } = await client.query<{ count: string; sum: string }>(
      "SELECT count(*), sum((payload->>'n')::int) FROM copied",
    );
    expect(rows[0]).toEqual({ count: "20000", sum: String((20_000 * 20_001) / 2) });
    const sample = await client.query("SELECT label, payload->>'n' AS n FROM copied WHERE id = 12345");
    expect(sample.rows).toEqual([{ label: 'label 12345, with\ttab and "quotes"', n: "12345" }]);
  });

  it("rejects with PostgreSQL's error for bad data, and the connection stays usable", async () => {
    await expect(
      copyFrom(client, "COPY copied (id, label, payload) FROM STDIN", [Buffer.from("not-a-number\tx\t{}\n")]),
    ).rejects.toThrow(/invalid input syntax for type integer/);
    expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });
});

describe("runCopyScript", () => {
  it("runs a script of COPYs with their data in one write, and reports each statement's tag", async () => {
    const outcome = await runCopyScript(
      client,
      "BEGIN; COPY copied_too (id) FROM STDIN; COPY copied_too (id) FROM STDIN; COMMIT",
      [Buffer.from("1\n2\n"), Buffer.from("3\n")],
    );
    expect(outcome).toEqual({ tags: ["BEGIN", "COPY 2", "COPY 1", "COMMIT"], error: null });
    expect((await client.query("SELECT array_agg(id ORDER BY id) AS ids FROM copied_too")).rows).toEqual([
      { ids: [1, 2, 3] },
    ]);
  });

  it("stops at the first failing statement, storing nothing of the script, and the connection stays usable", async () => {
    const outcome = await runCopyScript(
      client,
      "BEGIN; COPY copied_too (id) FROM STDIN; COPY copied_too (id) FROM STDIN; COMMIT",
      [Buffer.from("4\n"), Buffer.from("1\n")],
    );
    expect(outcome.tags).toEqual(["BEGIN", "COPY 1"]);
    expect(outcome.error?.message).toMatch(/duplicate key value/);
    await client.query("ROLLBACK");
    expect((await client.query("SELECT array_agg(id ORDER BY id) AS ids FROM copied_too")).rows).toEqual([
      { ids: [1, 2, 3] },
    ]);
  });
});
