// The one error shape every API response uses: { error: { code, message, details? } }.

export const errorStatus = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** A well-formed query over its cost budget (lib/query/cost.ts): asking for less will work, retrying will not. */
  query_too_expensive: 422,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
  /** A query that ran past its surface's statement timeout: the server gave up on it, as Prometheus answers a timed-out query. */
  query_timeout: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorDetail {
  path: string;
  message: string;
}

/** Marks an ApiError whichever copy of this module made it (see Symbol.hasInstance below). */
const API_ERROR = Symbol.for("lumen.ApiError");

export class ApiError extends Error {
  /**
   * Next.js bundles a module once per layer (pages, route handlers), so an ApiError thrown by code of
   * one layer reaching another through a process-wide singleton (the feed budget, the realtime hub)
   * is an instance of another copy of this class: `instanceof` checks the brand instead.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [API_ERROR]?: unknown })[API_ERROR] === true;
  }

  readonly [API_ERROR] = true;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Renders zod issue paths the way people write them: events[3].timestamp. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === "number") return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, "");
}

export function invalidRequest(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix = "",
): ApiError {
  const details = issues.map((i) => ({
    path: formatIssuePath([...(prefix ? [prefix] : []), ...i.path]),
    message: i.message,
  }));
  const first = details[0];
  const message = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : "Invalid request";
  return new ApiError("invalid_request", message, details);
}
