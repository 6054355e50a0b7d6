// A lease in PostgreSQL: background work that must run in one app process at a time. The holder
// renews it well before it expires; when the holder dies, another process takes it over once it
// has expired. Times are the database's, so the processes' clocks need not agree.
import "server-only";
import type pg from "pg";

/** Takes or renews the lease for `ttlMs`; true while this holder has it. */
export async function holdLease(
  db: Pick<pg.Pool, "query">,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO alert_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
     WHERE alert_leases.holder = EXCLUDED.holder OR alert_leases.expires_at < now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return rows.length > 0;
}

/** Gives the lease up (a clean shutdown), so another process need not wait for it to expire. */
export async function releaseLease(db: Pick<pg.Pool, "query">, name: string, holder: string): Promise<void> {
  await db.query("DELETE FROM alert_leases WHERE name = $1 AND holder = $2", [name, holder]);
}
