// Keeps monthly partitions of the events table ahead of the data (see the init migration).
import "server-only";
import type pg from "pg";

const MONTHS_AHEAD = 3;

function monthStart(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** Creates any missing partition from `from`'s month through `to`'s month; returns how many it made. */
export async function ensureEventPartitions(db: pg.Pool | pg.Client, from: Date, to: Date): Promise<number> {
  const { rows } = await db.query<{ created: number }>(
    "SELECT lumen_ensure_event_partitions($1::date, $2::date) AS created",
    [monthStart(from), monthStart(to)],
  );
  return rows[0]?.created ?? 0;
}

/** The partitions the ingestion window needs: from the oldest accepted timestamp to a few months ahead. */
export function ingestionWindow(now: Date, maxEventAgeDays: number): { from: Date; to: Date } {
  const from = new Date(now.getTime() - maxEventAgeDays * 86_400_000);
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD, 1));
  return { from, to };
}

/** Names of the partitions of events, which Prisma's diff must treat as tables it does not own. */
export async function listEventPartitions(db: pg.Pool | pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1",
  );
  return rows.map((r) => r.name);
}
