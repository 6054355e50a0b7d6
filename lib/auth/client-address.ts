// Who is on the other end of a request, for throttling: the address the nearest trusted hop saw.
// Next.js fills X-Forwarded-For with the socket's address when the request has none. Behind
// LUMEN_TRUSTED_PROXIES reverse proxies that each append to it, the client is that many entries
// from the right (everything further left was written by the client and proves nothing). Without a
// proxy, a client that sends its own X-Forwarded-For chooses its identity: per-client limits then
// only hold behind a proxy, while per-account limits hold regardless.

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export function clientAddress(headers: HeaderSource, trustedProxies: number): string | null {
  const hops = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (hops.length === 0) return null;
  return hops[Math.max(0, hops.length - Math.max(1, trustedProxies))]!.toLowerCase();
}
