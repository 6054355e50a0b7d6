// OAuth and OIDC sign-in links to an existing Lumen user only through an email the provider has
// verified: anyone can put any address on an unverified account. Google and OIDC providers say so
// in the email_verified claim; GitHub in its list of the user's emails, where only the primary one,
// verified, is used (lib/auth/options.ts puts it in the profile with email_verified).

/** The profile's email when the provider vouches for it (email_verified true, or "true" as some OIDC providers send it), lowercased. */
export function verifiedEmailOf(profile: unknown): string | null {
  if (!profile || typeof profile !== "object") return null;
  const { email, email_verified: verified } = profile as { email?: unknown; email_verified?: unknown };
  if (typeof email !== "string" || !email.includes("@")) return null;
  return verified === true || verified === "true" ? email.trim().toLowerCase() : null;
}

/** From GitHub's GET /user/emails: the primary email if GitHub has verified it, else null. */
export function primaryVerifiedGitHubEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const primary = emails.find(
    (e): e is { email: string } =>
      !!e && typeof e === "object" && e.primary === true && e.verified === true && typeof e.email === "string",
  );
  return primary?.email ?? null;
}
