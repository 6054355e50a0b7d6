// The embed page's calls to its own API: plain fetch (no query library in the embed bundle), every
// answer sorted into data, "the token expired", a refusal that retrying will not fix, or a passing failure.

import { choicesToSearchParams } from "@/lib/embed/choices";
import type { EmbedDescription } from "@/lib/embed/describe";
import type { EmbedWidgetData } from "@/lib/embed/embed-data";
import type { EmbedErrorCode } from "@/lib/embed/host-messages";
import type { ViewerChoices } from "@/lib/embed/schemas";

export interface Snapshot {
  version: string | null;
  widgets: EmbedWidgetData[];
}

interface ErrorBody {
  error?: { code?: EmbedErrorCode; message?: string; details?: { path: string; message: string }[] };
}

export type Answer<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; code: EmbedErrorCode; message: string; expired: boolean; final: boolean };

export function embedApiUrl(
  token: string,
  path: "" | "/data" | "/stream" | "/values" | "/csv",
  choices: ViewerChoices,
  extra: Record<string, string> = {},
): string {
  const params = choicesToSearchParams(choices);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const query = params.toString();
  return `/api/v1/embed/${encodeURIComponent(token)}${path}${query ? `?${query}` : ""}`;
}

export async function getJson<T>(url: string): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store", credentials: "omit" });
  } catch {
    return {
      ok: false,
      status: 0,
      code: "network_error",
      message: "Lumen could not be reached",
      expired: false,
      final: false,
    };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && body !== null) return { ok: true, value: body as T };
  const error = (body as ErrorBody | null)?.error;
  return {
    ok: false,
    status: response.status,
    code: error?.code ?? "internal_error",
    message: error?.message ?? `Request failed (${response.status})`,
    expired: response.status === 401 && !!error?.details?.some((d) => d.path === "token" && d.message === "expired"),
    // Client errors other than rate limiting will not go away by retrying.
    final: response.status >= 400 && response.status < 500 && response.status !== 429,
  };
}

export async function fetchSnapshot(token: string, choices: ViewerChoices): Promise<Answer<Snapshot>> {
  return getJson<Snapshot>(embedApiUrl(token, "/data", choices));
}

export async function fetchDescription(token: string): Promise<Answer<EmbedDescription>> {
  return getJson<EmbedDescription>(embedApiUrl(token, "", { filters: {} }));
}
