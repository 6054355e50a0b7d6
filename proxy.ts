// Runs before the routes config.matcher names, for what no route handler can do itself:
// - A path whose percent-escapes do not decode (/embed/%E0%A4%A, /api/v1/reports/%ZZ) is a 400:
//   Next.js decodes dynamic segments before any route code runs, and answers a failure with a 500.
// - /embed/{token} gets the Content-Security-Policy frame-ancestors of that one embed (its allowed
//   origins, else any page), which next.config's static headers cannot vary per token.
//   Cache-Control and Referrer-Policy, the same for every embed, stay in next.config.mjs.
import { NextResponse, type NextRequest } from "next/server";
import { embedFrameAncestors } from "./lib/embed/frame-ancestors";
import { ApiError } from "./lib/errors";

function decodesCleanly(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function malformedPath(pathname: string): NextResponse {
  const message = "The path holds a malformed percent-escape (a % must be followed by two hex digits that decode to UTF-8)";
  if (pathname.startsWith("/api/")) return NextResponse.json(new ApiError("invalid_request", message).toBody(), { status: 400 });
  return new NextResponse(`Bad request: ${message}.`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!decodesCleanly(pathname)) return malformedPath(pathname);
  const response = NextResponse.next();
  if (pathname.startsWith("/embed/")) {
    const token = decodeURIComponent(pathname.split("/")[2] ?? "");
    response.headers.set("content-security-policy", `frame-ancestors ${await embedFrameAncestors(token)}`);
  }
  return response;
}

export const config = {
  matcher: [
    "/embed/:token",
    // Only paths that hold a percent-escape: the rest (ingestion above all) skip this proxy.
    "/:path(.*%.*)",
  ],
};
