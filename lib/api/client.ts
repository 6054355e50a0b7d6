// The browser's client for Lumen's own API: JSON in, JSON out, errors as ApiClientError with the
// server's code, message and details (the one error shape).
export interface ApiErrorDetail {
  path: string;
  message: string;
}

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The message about one input field (its path in the request body, or an item of it), to show beside that field. */
  fieldMessage(path: string): string | undefined {
    return this.details.find((d) => d.path === path || d.path.startsWith(`${path}[`) || d.path.startsWith(`${path}.`))
      ?.message;
  }
}

/** The message an error carries about one field of the request, if it is an API error about that field. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiClientError ? error.fieldMessage(path) : undefined;
}

/** Browsers refuse a keepalive request whose body, with the page's other keepalive bodies in flight, passes 64 KiB. */
const KEEPALIVE_BODY_LIMIT = 60 * 1024;

export interface ApiFetchInit {
  method?: string;
  body?: unknown;
  /**
   * The request outlives the page: it is still sent and completed when the user navigates away or
   * closes the tab (saves made a moment before leaving). Bodies near the browser's keepalive quota
   * go as ordinary requests.
   */
  keepalive?: boolean;
}

export async function apiFetch<T>(url: string, init: ApiFetchInit = {}): Promise<T> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body,
    credentials: "same-origin",
    keepalive: init.keepalive === true && new TextEncoder().encode(body ?? "").length <= KEEPALIVE_BODY_LIMIT,
  });
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: ApiErrorDetail[] };
  } | null;
  if (!response.ok)
    throw new ApiClientError(
      response.status,
      answer?.error?.code ?? "internal_error",
      answer?.error?.message ?? `Request failed (${response.status})`,
      Array.isArray(answer?.error?.details) ? answer.error.details : [],
    );
  return answer as T;
}
