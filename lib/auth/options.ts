// next-auth configuration: email + password (scrypt, throttled), plus OAuth/OIDC providers switched
// on by env. Sessions are signed JWTs in a cookie. OAuth sign-in only admits people who already have
// a user (added by an owner or admin), matched by an email the provider verified: Lumen is
// invitation-only. After sign-in, only paths of this site are followed (callbackUrl).
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { getPrisma } from "../db/client";
import { getEnv } from "../env";
import type { ApiError } from "../errors";
import { getInstanceSecret } from "../secrets";
import { safeCallbackPath } from "./callback-url";
import { primaryVerifiedGitHubEmail, verifiedEmailOf } from "./oauth-email";
import { signInWithPassword, toSignInRefusal } from "./sign-in";

/**
 * One auth request's outcome that next-auth cannot express: a refused password sign-in (throttled,
 * or the database down) is answered by lib/auth/auth-route.ts with its own status and headers.
 */
export interface AuthRequestState {
  refusal?: ApiError;
}

function oauthProviders(): NextAuthOptions["providers"] {
  const env = getEnv();
  const providers: NextAuthOptions["providers"] = [];
  if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) {
    providers.push(
      GitHubProvider({
        clientId: env.GITHUB_CLIENT_ID,
        clientSecret: env.GITHUB_CLIENT_SECRET,
        // next-auth's own falls back to any listed email, verified or not: take only the primary verified one.
        userinfo: {
          url: "https://api.github.com/user",
          async request({ client, tokens }) {
            const profile = await client.userinfo(tokens.access_token!);
            const response = await fetch("https://api.github.com/user/emails", {
              headers: { authorization: `token ${tokens.access_token}`, "user-agent": "lumen" },
            });
            const email = response.ok ? primaryVerifiedGitHubEmail(await response.json()) : null;
            return { ...profile, email: email ?? undefined, email_verified: email !== null };
          },
        },
      }),
    );
  }
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET)
    providers.push(GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET }));
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
    providers.push({
      id: "oidc",
      name: "Single sign-on",
      type: "oauth",
      wellKnown: `${env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      profile: (profile: { sub: string; email: string; name?: string }) => ({
        id: profile.sub,
        email: profile.email,
        name: profile.name ?? null,
      }),
    });
  }
  return providers;
}

/** The Lumen user an OAuth/OIDC profile signs in: the one with the provider-verified email. */
async function userIdForProfile(profile: unknown): Promise<string | null> {
  const email = verifiedEmailOf(profile);
  if (!email) return null;
  const user = await getPrisma().user.findUnique({ where: { email }, select: { id: true } });
  return user?.id ?? null;
}

export function getAuthOptions(state: AuthRequestState = {}): NextAuthOptions {
  return {
    secret: getInstanceSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          try {
            return await signInWithPassword(credentials, request.headers ?? {});
          } catch (error) {
            state.refusal = toSignInRefusal(error);
            // next-auth puts this message in a URL: the real answer is state.refusal.
            throw new Error(state.refusal.code);
          }
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider === "credentials") return true;
        return (await userIdForProfile(profile)) !== null;
      },
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
      },
      async jwt({ token, user, account, profile }) {
        // On sign-in, pin the token to Lumen's own user id (OAuth ids are the provider's).
        if (account?.provider === "credentials" && user) token.sub = user.id;
        else if (account) token.sub = (await userIdForProfile(profile)) ?? undefined;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
  };
}
