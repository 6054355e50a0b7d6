// /api/auth/*: next-auth's sign-in, sign-out, session and CSRF endpoints (password sign-in throttled).
import { defineRoute } from "@/lib/api/route";
import { handleAuthRequest, type AuthRouteContext } from "@/lib/auth/auth-route";

const handler = defineRoute<AuthRouteContext>(handleAuthRequest);

export { handler as GET, handler as POST };
