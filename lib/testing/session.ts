// Signs in through next-auth's real HTTP flow (CSRF token, credentials callback) and returns the cookies.
import { testBaseUrl } from "./fixtures";

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export async function signInOverHttp(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${testBaseUrl()}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const response = await fetch(`${testBaseUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = cookiesOf(response).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in failed for ${email} (status ${response.status})`);
  return [...jar, session].join("; ");
}
