// The wrapper every route handler goes through: request id, structured access log, one error shape,
// id parameters checked and cross-site writes refused before the handler runs.
import { randomUUID } from "node:crypto";
import { ZodError } from "zod";
import { withRequestClock } from "../clock";
import { isDatabaseUnavailable } from "../db/client";
import { ApiError, invalidRequest } from "../errors";
import { log } from "../log";
import { isUuid } from "../uuid";
import { assertNotCrossSiteWrite } from "./csrf";

export interface RouteMeta {
  requestId: string;
}

type Handler<Ctx> = (request: Request, context: Ctx, meta: RouteMeta) => Promise<Response>;

interface RouteOptions {
  /** Headers added to every response of this route, errors included (e.g. CORS). */
  headers?: (request: Request) => Record<string, string>;
  /** Pages on any site may post to it, with any body type it reads: it takes no cookie (ingestion: a write key, CORS, sendBeacon's text/plain). */
  crossSite?: boolean;
}

const DB_RETRY_AFTER_SECONDS = "5";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Long opaque path segments (tokens, keys) never reach the logs. */
export function redactPath(pathname: string): string {
  return pathname.replace(/\/[A-Za-z0-9_\-.~]{40,}(?=\/|$)/g, "/[redacted]");
}

/**
 * Path parameters named id or …Id (projectId, tokenId, keyId, userId) hold uuids: anything else
 * names nothing, and is a 404 before any query (where the database would refuse it with an error).
 */
async function assertIdParams(context: unknown): Promise<void> {
  if (typeof context !== "object" || context === null || !("params" in context)) return;
  const params: unknown = await context.params;
  if (typeof params !== "object" || params === null) return;
  for (const [name, value] of Object.entries(params)) {
    if ((name === "id" || name.endsWith("Id")) && !isUuid(value)) {
      const noun = name === "id" ? "item" : name.slice(0, -2);
      throw new ApiError("not_found", `No such ${noun}: ${name} must be a UUID`, [
        { path: name, message: "must be a UUID" },
      ]);
    }
  }
}

function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) return invalidRequest(error.issues);
  if (isDatabaseUnavailable(error)) {
    return new ApiError("unavailable", "The database is unavailable; retry shortly", undefined, {
      "retry-after": DB_RETRY_AFTER_SECONDS,
    });
  }
  return undefined;
}

export function defineRoute<Ctx = unknown>(handler: Handler<Ctx>, options: RouteOptions = {}) {
  return async (request: Request, context: Ctx): Promise<Response> => {
    const started = performance.now();
    const requestId = request.headers.get("x-request-id")?.slice(0, 64) || randomUUID();
    const extraHeaders = { "x-request-id": requestId, ...options.headers?.(request) };
    let response: Response;
    try {
      await assertIdParams(context);
      if (!options.crossSite) assertNotCrossSiteWrite(request);
      response = await withRequestClock(request, () => handler(request, context, { requestId }));
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError) {
        response = json(apiError.status, apiError.toBody(), apiError.headers);
      } else {
        log.error("unhandled error", {
          request_id: requestId,
          error: error instanceof Error ? error.stack : String(error),
        });
        response = json(500, new ApiError("internal_error", "Something went wrong on our side").toBody());
      }
    }
    for (const [name, value] of Object.entries(extraHeaders)) response.headers.set(name, value);
    log.info("request", {
      request_id: requestId,
      method: request.method,
      path: redactPath(new URL(request.url).pathname),
      status: response.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    });
    return response;
  };
}
