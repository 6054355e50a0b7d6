// Who a report query runs for: the signed-in app, a read-key API caller, or a public embed. Each
// surface has its own statement timeout (lib/env.ts), shorter for the two that face the internet.
import { getEnv } from "../env";
import type { QueryGate } from "./query-gate";

export type QuerySurface = "app" | "api" | "embed";

/** What runQuery needs to know about its caller: the surface, and for a request, its principal's gate. */
export interface QueryCaller {
  surface: QuerySurface;
  gate?: QueryGate;
}

/**
 * For callers that do not say: server code that no outside request steers (the realtime overview
 * feed of signed-in members, benchmarks, tests). Every route that runs a query for a request names
 * its surface.
 */
export const DEFAULT_SURFACE: QuerySurface = "app";

export function statementTimeoutMs(surface: QuerySurface): number {
  const env = getEnv();
  return {
    app: env.LUMEN_QUERY_TIMEOUT_MS,
    api: env.LUMEN_API_QUERY_TIMEOUT_MS,
    embed: env.LUMEN_EMBED_QUERY_TIMEOUT_MS,
  }[surface];
}

export const surfaceLabel: Record<QuerySurface, string> = { app: "the app", api: "API keys", embed: "embeds" };
