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

export async function apiFetch<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: ApiErrorDetail[] };
  } | null;
  if (!response.ok)
    throw new ApiClientError(
      response.status,
      body?.error?.code ?? "internal_error",
      body?.error?.message ?? `Request failed (${response.status})`,
      Array.isArray(body?.error?.details) ? body.error.details : [],
    );
  return body as T;
}
