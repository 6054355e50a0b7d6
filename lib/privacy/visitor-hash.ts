// The daily salt that counts visitors who have no client id without storing anything that
// identifies them: their id is hash(salt, project, ip, user agent) (visitor-id.ts). Salts older than
// yesterday are deleted, so an id can neither be recomputed nor linked across days. The IP itself
// is never stored.
import "server-only";
import { randomBytes } from "node:crypto";
import { getPrisma } from "../db/client";

let current: { day: string; salt: Uint8Array } | undefined;

function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Today's salt (UTC), created by the first process to ask for it. */
export async function dailySalt(now: Date): Promise<Uint8Array> {
  const day = utcDay(now);
  if (current?.day === day) return current.salt;
  const prisma = getPrisma();
  const date = new Date(`${day}T00:00:00Z`);
  // Several processes may race to create today's salt: the first insert wins and all read it back.
  await prisma.dailySalt.createMany({ data: [{ day: date, salt: randomBytes(32) }], skipDuplicates: true });
  const row = await prisma.dailySalt.findUniqueOrThrow({ where: { day: date } });
  await prisma.dailySalt.deleteMany({ where: { day: { lt: new Date(date.getTime() - 86_400_000) } } });
  // Its own 32 bytes (a Buffer may share an 8 KB pool, and the whole pool would be copied to the worker).
  current = { day, salt: new Uint8Array(row.salt) };
  return current.salt;
}
