// The origin a visitor used to reach Lumen. Behind a TLS-terminating proxy, the connection and the
// Host header say little: the proxy's X-Forwarded-Proto and X-Forwarded-Host say what the browser
// used (Next.js sets X-Forwarded-Proto from its own connection when no proxy did).
import { getEnv } from "../env";

interface HeaderSource {
  get(name: string): string | null;
}

/** Proxies append to these headers: the first value is what the client sent to the outermost one. */
function firstValue(value: string | null): string | null {
  return value?.split(",")[0]?.trim() || null;
}

/** The host (with its port, if any) the request was addressed to. */
export function requestHost(headers: HeaderSource): string | null {
  return firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host"));
}

/** e.g. https://stats.example.com; the configured NEXTAUTH_URL (else http://localhost) when the headers name no usable host. */
export function requestOrigin(headers: HeaderSource): string {
  const scheme = firstValue(headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
  try {
    return new URL(`${scheme}://${requestHost(headers)}`).origin;
  } catch {
    return new URL(getEnv().NEXTAUTH_URL ?? "http://localhost").origin;
  }
}
