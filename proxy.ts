// Runs before the routes config.matcher names, for what no route handler can do itself:
// - A path whose percent-escapes do not decode (/embed/%E0%A4%A, /api/v1/reports/%ZZ) is a 400:
//   Next.js decodes dynamic segments before any route code runs, and answers a failure with a 500.
// - The test-only pages (the tracker demo, the widget gallery) are a 404 in production builds
//   unless LUMEN_TEST_PAGES is set (the test runner sets it for the browser tests).
// - /embed/{token} gets the Content-Security-Policy frame-ancestors of that one embed (its allowed
//   origins, else any page), which next.config's static headers cannot vary per token. Those headers
//   (frame-ancestors 'none' everywhere else; Cache-Control and Referrer-Policy for embeds) stay in
//   next.config.mjs.
import { type NextRequest, NextResponse } from "next/server";
import { embedFrameAncestors } from "./lib/embed/frame-ancestors";
import { getEnv } from "./lib/env";
import { ApiError } from "./lib/errors";

const TEST_PAGES = /^\/(?:tracker-demo|widgets-preview)(?:\/|$)/;

function decodesCleanly(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function malformedPath(pathname: string): NextResponse {
  const message =
    "The path holds a malformed percent-escape (a % must be followed by two hex digits that decode to UTF-8)";
  if (pathname.startsWith("/api/"))
    return NextResponse.json(new ApiError("invalid_request", message).toBody(), { status: 400 });
  return new NextResponse(`Bad request: ${message}.`, {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

function testPagesServed(): boolean {
  return process.env.NODE_ENV !== "production" || getEnv().LUMEN_TEST_PAGES;
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!decodesCleanly(pathname)) return malformedPath(pathname);
  if (TEST_PAGES.test(pathname) && !testPagesServed())
    return new NextResponse("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
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
    "/tracker-demo/:path*",
    "/widgets-preview/:path*",
    // Only paths that hold a percent-escape: the rest (ingestion above all) skip this proxy.
    "/:path(.*%.*)",
  ],
};
