// Runs before /embed/{token} renders: the Content-Security-Policy frame-ancestors of that one embed
// (its allowed origins, else any page), which next.config's static headers cannot vary per token.
// Cache-Control and Referrer-Policy, the same for every embed, stay in next.config.mjs.
import { NextResponse, type NextRequest } from "next/server";
import { embedFrameAncestors } from "./lib/embed/frame-ancestors";

export async function proxy(request: NextRequest) {
  const token = decodeURIComponent(request.nextUrl.pathname.split("/")[2] ?? "");
  const response = NextResponse.next();
  response.headers.set("content-security-policy", `frame-ancestors ${await embedFrameAncestors(token)}`);
  return response;
}

export const config = { matcher: "/embed/:token" };
