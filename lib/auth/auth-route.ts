// /api/auth/*: next-auth, with what it does not do itself. Bodies are read here within a size and
// time limit (next-auth would read any length, at any pace). A refused password sign-in gets its
// real status: 429 with Retry-After when throttled, 503 when the database is down (next-auth would
// answer 401 for both). The body keeps next-auth's `url` (its browser client reads it) next to
// Lumen's error shape.
import "server-only";
import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { BodyReader } from "../api/read-body";
import { getEnv } from "../env";
import { type AuthRequestState, getAuthOptions } from "./options";

export type AuthRouteContext = { params: Promise<{ nextauth: string[] }> };

const MAX_AUTH_BODY_BYTES = 16 * 1024;
const authMediaTypes: ReadonlySet<string> = new Set(["application/x-www-form-urlencoded", "application/json"]);

/** The request with its body read within limits; requests whose body next-auth ignores pass as they are. */
async function withBoundedBody(request: Request): Promise<NextRequest> {
  const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (request.method !== "POST" || !request.body || !mediaType || !authMediaTypes.has(mediaType)) {
    return request instanceof NextRequest ? request : new NextRequest(request);
  }
  const text = await BodyReader.open(request, MAX_AUTH_BODY_BYTES, { mediaTypes: authMediaTypes }).text({
    allowBlank: true,
  });
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return new NextRequest(request.url, { method: request.method, headers, body: text });
}

export async function handleAuthRequest(request: Request, context: AuthRouteContext): Promise<Response> {
  const state: AuthRequestState = {};
  const response = await NextAuth(getAuthOptions(state))(await withBoundedBody(request), context);
  const refusal = state.refusal;
  if (!refusal) return response;

  const origin = new URL(getEnv().NEXTAUTH_URL ?? request.url).origin;
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", ...refusal.headers });
  // next-auth's cookies (CSRF token, callback URL) still apply.
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  const body = { url: `${origin}/signin?error=${refusal.code}`, ...refusal.toBody() };
  return new Response(JSON.stringify(body), { status: refusal.status, headers });
}
