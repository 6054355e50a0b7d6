import "server-only";
import { getPool } from "./client";

/** One round trip, bounded so a hung server reads as down rather than hanging the probe. */
export async function checkDatabase(timeoutMs = 2000): Promise<"up" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("health check timed out")), timeoutMs);
  });
  try {
    await Promise.race([getPool().query("SELECT 1"), timeout]);
    return "up";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
