// Cross-site request forgery: a page on another site can make a visitor's browser send Lumen's
// session cookie along with a form post or a text/plain fetch (SameSite=Lax stops only some of
// them: not a sibling subdomain's, nor older browsers'). So a state-changing request must come from
// Lumen's own pages, as the browser reports it (Sec-Fetch-Site, Origin), and carry its body as
// application/json, which no other origin can send without a CORS preflight that Lumen never grants.
// Requests authenticated by an API key (Authorization: Bearer) carry no ambient credential to forge;
// clients that send neither Sec-Fetch-Site nor Origin are not browsers, which always send one on a
// cross-origin POST.
import { bearerToken } from "../auth/api-keys";
import { getEnv } from "../env";
import { ApiError } from "../errors";
import { requestHost } from "./request-origin";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether the origin names a host Lumen answers as: where the request was addressed (the proxy's
 * X-Forwarded-Host or the Host header) or the configured public URL. Compared as URLs with the
 * origin's scheme, so "stats.example.com:443" and "https://stats.example.com" agree.
 */
function isOwnOrigin(origin: string, request: Request): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, some redirects) and anything unparsable
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const configured = getEnv().NEXTAUTH_URL;
  const candidates = [
    requestHost(request.headers),
    request.headers.get("host"),
    configured && new URL(configured).host,
  ];
  return candidates.some((host) => {
    if (!host) return false;
    try {
      return new URL(`${url.protocol}//${host}`).host === url.host;
    } catch {
      return false;
    }
  });
}

function hasBody(request: Request): boolean {
  return Number(request.headers.get("content-length") ?? 0) > 0 || request.headers.has("transfer-encoding");
}

/** Throws 403 for a state-changing request that another site could have made the browser send. */
export function assertNotCrossSiteWrite(request: Request): void {
  if (SAFE_METHODS.has(request.method) || bearerToken(request)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new ApiError(
      "forbidden",
      `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)}): changes can only be made from Lumen's own pages, or with an API key`,
    );
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !isOwnOrigin(origin, request)) {
    throw new ApiError(
      "forbidden",
      `Cross-origin request refused (Origin: ${origin.slice(0, 100)}): changes can only be made from Lumen's own pages, or with an API key`,
    );
  }
  const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (hasBody(request) && mediaType !== "application/json") {
    throw new ApiError(
      "forbidden",
      `Send the body as application/json, not ${mediaType ?? "no content type"}: other types are refused as possible cross-site requests`,
    );
  }
}
