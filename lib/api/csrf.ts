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

/** The hosts Lumen answers as: where the request was addressed, and the configured public URL. */
function ownHosts(request: Request): Set<string> {
  const hosts = new Set<string>();
  const addressed = requestHost(request.headers);
  if (addressed) hosts.add(addressed.toLowerCase());
  const host = request.headers.get("host");
  if (host) hosts.add(host.toLowerCase());
  const configured = getEnv().NEXTAUTH_URL;
  if (configured) hosts.add(new URL(configured).host);
  return hosts;
}

/** The origin's host, or null for "null" (sandboxed frames, some redirects) and anything unparsable. */
function hostOf(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host : null;
  } catch {
    return null;
  }
}

function hasBody(request: Request): boolean {
  return Number(request.headers.get("content-length") ?? 0) > 0 || request.headers.has("transfer-encoding");
}

/** Throws 403 for a state-changing request that another site could have made the browser send. */
export function assertNotCrossSiteWrite(request: Request): void {
  if (SAFE_METHODS.has(request.method) || bearerToken(request)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new ApiError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)}): changes can only be made from Lumen's own pages, or with an API key`);
  }
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const host = hostOf(origin);
    if (!host || !ownHosts(request).has(host)) {
      throw new ApiError("forbidden", `Cross-origin request refused (Origin: ${origin.slice(0, 100)}): changes can only be made from Lumen's own pages, or with an API key`);
    }
  }
  const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (hasBody(request) && mediaType !== "application/json") {
    throw new ApiError("forbidden", `Send the body as application/json, not ${mediaType ?? "no content type"}: other types are refused as possible cross-site requests`);
  }
}
