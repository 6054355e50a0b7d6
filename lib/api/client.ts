// The browser's client for Lumen's own API: JSON in, JSON out, errors as ApiClientError with the
// server's code and message (the one error shape).
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The fields at fault, when the server named them (400 invalid_request). */
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
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
    error?: { code: string; message: string; details?: { path: string; message: string }[] };
  } | null;
  if (!response.ok)
    throw new ApiClientError(
      response.status,
      body?.error?.code ?? "internal_error",
      body?.error?.message ?? `Request failed (${response.status})`,
      body?.error?.details,
    );
  return body as T;
}
