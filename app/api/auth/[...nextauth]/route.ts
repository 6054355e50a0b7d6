// /api/auth/*: next-auth's sign-in, sign-out, session and CSRF endpoints (password sign-in throttled).
// next-auth guards its own form posts with its CSRF token (double-submit cookie), so the app's
// same-origin JSON rule for cookie-authenticated writes (lib/api/csrf.ts) is not applied here.
import { defineRoute } from "@/lib/api/route";
import { type AuthRouteContext, handleAuthRequest } from "@/lib/auth/auth-route";

const handler = defineRoute<AuthRouteContext>(handleAuthRequest, { crossSite: true });

export { handler as GET, handler as POST };
