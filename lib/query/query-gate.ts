// Report queries per principal (an API key, an embed token, a signed-in user), held in this process:
// at most `running` of one principal's queries run at once (an admitted request's other queries,
// e.g. a report's widgets, wait their turn), and at most `requests` of its requests are admitted at
// once; the next gets 429 rate_limited with Retry-After. So one key or one public embed holds at
// most `running` report connections (lib/db/client.ts), and cannot queue unbounded work behind them.
// Per process, like ingestion's rate limit: N app processes allow N times as much.
import { createHash } from "node:crypto";
import { bearerToken } from "../auth/api-keys";
import type { Reader } from "../auth/read-access";
import { ApiError } from "../errors";
import type { QueryCaller, QuerySurface } from "./surfaces";

interface Limits {
  /** Queries of one principal running at once. */
  running: number;
  /** Requests of one principal admitted at once (running queries or waiting for a turn). */
  requests: number;
}

/**
 * Four running queries of one principal already keep a 2-core database busy; more only queue at
 * the server. Requests: the app's overview asks for 15 panels, one request each; an embed token
 * is shared by every viewer of the page it is embedded in; an API client has no reason to send
 * more than a few at once.
 */
export const PRINCIPAL_LIMITS: Record<QuerySurface, Limits> = {
  app: { running: 4, requests: 32 },
  api: { running: 4, requests: 8 },
  embed: { running: 4, requests: 32 },
};

/** Running queries end within their statement timeout; most within a second. */
const RETRY_AFTER_SECONDS = 1;

const principalNames: Record<QuerySurface, string> = { app: "signed-in user", api: "API key", embed: "embed token" };

interface PrincipalState {
  requests: number;
  running: number;
  /** Queries waiting for a turn, first come first served; each is handed the slot of one that ends. */
  waiting: (() => void)[];
}

const principals = new Map<string, PrincipalState>();

/** Runs one request's queries in their principal's turns. */
export interface QueryGate {
  run<T>(work: () => Promise<T>): Promise<T>;
}

const digest = (secret: string) => createHash("sha256").update(secret).digest("base64url");

/** The principal of an API reader: its key (never kept in clear) or its user. */
export function principalOfReader(reader: Reader, request: Request): { principal: string; surface: QuerySurface } {
  if (reader.kind === "user") return { principal: `user:${reader.userId}`, surface: "app" };
  return { principal: `key:${digest(bearerToken(request) ?? "")}`, surface: "api" };
}

/** Every viewer of one embed token is one principal. */
export function embedPrincipal(token: string): string {
  return `embed:${digest(token)}`;
}

/** Admits one request of `principal` (or answers 429), and runs `work` with a gate for its queries. */
export async function withQueryGate<T>(
  principal: string,
  surface: QuerySurface,
  work: (caller: Required<QueryCaller>) => Promise<T>,
): Promise<T> {
  const limits = PRINCIPAL_LIMITS[surface];
  const state = principals.get(principal) ?? { requests: 0, running: 0, waiting: [] };
  if (state.requests >= limits.requests) {
    throw new ApiError(
      "rate_limited",
      `Too many queries at once for this ${principalNames[surface]}: at most ${limits.requests} requests may run or wait (${limits.running} queries at a time); retry after ${RETRY_AFTER_SECONDS} s`,
      undefined,
      { "retry-after": String(RETRY_AFTER_SECONDS) },
    );
  }
  principals.set(principal, state);
  state.requests++;
  let open = true;
  const gate: QueryGate = { run: (query) => runInTurn(principal, state, limits.running, () => open, query) };
  try {
    return await work({ surface, gate });
  } finally {
    // Queries of this request still waiting (a sibling failed, so its answer is already an error) are dropped.
    open = false;
    state.requests--;
    forgetIfIdle(principal, state);
  }
}

async function runInTurn<T>(
  principal: string,
  state: PrincipalState,
  running: number,
  isOpen: () => boolean,
  work: () => Promise<T>,
): Promise<T> {
  if (!isOpen()) throw new Error("query gate used after its request ended");
  if (state.running < running) state.running++;
  else await new Promise<void>((resolve) => state.waiting.push(resolve));
  try {
    if (!isOpen()) throw new Error("the request ended before this query's turn");
    return await work();
  } finally {
    const next = state.waiting.shift();
    // Handed over on the event loop's next turn: when this query failed, its request has closed by
    // then (its Promise.all rejects in this turn's microtasks), and a waiting sibling is dropped.
    if (next) setImmediate(next);
    else state.running--;
    forgetIfIdle(principal, state);
  }
}

function forgetIfIdle(principal: string, state: PrincipalState): void {
  if (state.requests === 0 && state.running === 0 && state.waiting.length === 0 && principals.get(principal) === state)
    principals.delete(principal);
}

/** Principals with admitted requests or running queries in this process (for tests). */
export function trackedPrincipals(): number {
  return principals.size;
}
