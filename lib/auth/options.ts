// next-auth configuration: email + password (scrypt), plus OAuth/OIDC providers switched on by env.
// Sessions are signed JWTs in a cookie. OAuth sign-in only admits people who already have a user
// (added by an owner or admin), matched by verified email: Lumen is invitation-only.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { z } from "zod";
import { getPrisma } from "../db/client";
import { getEnv } from "../env";
import { getInstanceSecret } from "../secrets";
import { verifyPassword } from "./password";

const credentialsSchema = z.object({ email: z.email().transform((e) => e.toLowerCase()), password: z.string().min(1).max(200) });

function oauthProviders(): NextAuthOptions["providers"] {
  const env = getEnv();
  const providers: NextAuthOptions["providers"] = [];
  if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) providers.push(GitHubProvider({ clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET }));
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) providers.push(GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET }));
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
      profile: (profile: { sub: string; email: string; name?: string }) => ({ id: profile.sub, email: profile.email, name: profile.name ?? null }),
    });
  }
  return providers;
}

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getInstanceSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const user = await getPrisma().user.findUnique({ where: { email: parsed.data.email } });
          if (!user?.passwordHash || !(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider === "credentials") return true;
        const email = user.email?.toLowerCase();
        return !!email && !!(await getPrisma().user.findUnique({ where: { email } }));
      },
      async jwt({ token, user }) {
        // On sign-in, pin the token to Lumen's own user id (OAuth ids are the provider's).
        if (user?.email) {
          const row = await getPrisma().user.findUnique({ where: { email: user.email.toLowerCase() }, select: { id: true } });
          if (row) token.sub = row.id;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
  };
}
