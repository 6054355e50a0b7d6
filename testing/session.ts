// Signs in through next-auth's real HTTP flow (CSRF token, credentials callback) and returns the cookies.
import { testBaseUrl } from "./fixtures";

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export interface CredentialsPostOptions {
  /** Sent as X-Forwarded-For: which client the server throttles this attempt as. */
  clientAddress?: string;
  callbackUrl?: string;
  /** next-auth's JSON answer ({ url }) as its browser client asks for it, rather than a redirect. */
  json?: boolean;
}

/** One POST to the credentials callback, with a fresh CSRF token; the response and the cookies sent. */
export async function postCredentials(
  email: string,
  password: string,
  options: CredentialsPostOptions = {},
): Promise<{ response: Response; jar: string[] }> {
  const forwarded: Record<string, string> = options.clientAddress ? { "x-forwarded-for": options.clientAddress } : {};
  const csrf = await fetch(`${testBaseUrl()}/api/auth/csrf`, { headers: forwarded });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const response = await fetch(`${testBaseUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; "), ...forwarded },
    body: new URLSearchParams({
      csrfToken,
      email,
      password,
      ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
      ...(options.json === false ? {} : { json: "true" }),
    }),
  });
  return { response, jar };
}

export async function signInOverHttp(
  email: string,
  password: string,
  options: CredentialsPostOptions = {},
): Promise<string> {
  const { response, jar } = await postCredentials(email, password, options);
  const session = cookiesOf(response).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in failed for ${email} (status ${response.status})`);
  return [...jar, session].join("; ");
}
