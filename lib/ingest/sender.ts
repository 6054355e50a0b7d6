// What the ingestion route reads about the sender from request headers.
import type { SenderContext } from "./prepare-batch";

export function senderFromRequest(request: Request, countryHeader: string | undefined): SenderContext {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const country = countryHeader ? request.headers.get(countryHeader)?.trim().toUpperCase() : undefined;
  return {
    userAgent: request.headers.get("user-agent"),
    ip: forwarded || request.headers.get("x-real-ip") || null,
    // Proxies use XX / T1 for unknown and Tor: only real ISO 3166 alpha-2 codes are kept.
    country: country && /^[A-Z]{2}$/.test(country) && country !== "XX" ? country : null,
  };
}
