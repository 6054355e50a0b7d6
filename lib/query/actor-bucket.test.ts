// The actor bucket the queries write is the events index's own expression: were they to drift
// apart, answers would stay right while every bucket re-read its whole range.
import { afterAll, expect, it } from "vitest";
import { closeDatabase, getPool } from "../db/client";
import { actorBucket } from "./fields";

afterAll(async () => {
  await closeDatabase();
});

it("writes the actor bucket exactly as the events index defines it", async () => {
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    // PostgreSQL prints both expressions in its own normal form.
    await client.query(
      `CREATE TEMP VIEW bucket_expression AS SELECT ${actorBucket("e").toQuery().text} AS bucket FROM events e`,
    );
    const { rows } = await client.query<{ query: string; index: string }>(
      "SELECT pg_get_viewdef('bucket_expression') AS query, pg_get_indexdef('events_name_actor_bucket_timestamp_idx'::regclass) AS index",
    );
    const written = /SELECT (.*) AS bucket/s.exec(rows[0]!.query)![1]!.trim().replaceAll("e.", "");
    expect(written).toMatch(/actor & /);
    expect(rows[0]!.index).toContain(`(${written}), "timestamp") INCLUDE (actor)`);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
});
