// The request being served, for code deep in lib/ that records it (the audit log names the request
// id of every entry) without threading it through every call. The route wrapper (route.ts) and the
// CLI (scripts/lumen.ts) open one; outside them (tests, scripts) there is none.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  requestId: string;
}

// One store per process: Next.js may bundle this module more than once (once per layer), and every
// copy must see the context the route wrapper opened.
const storeKey = Symbol.for("lumen.requestContext");
const holder = globalThis as unknown as { [storeKey]?: AsyncLocalStorage<RequestContext> };
holder[storeKey] ??= new AsyncLocalStorage<RequestContext>();
const store = holder[storeKey];

export function runInRequestContext<T>(context: RequestContext, run: () => T): T {
  return store.run(context, run);
}

export function currentRequestId(): string | null {
  return store.getStore()?.requestId ?? null;
}
