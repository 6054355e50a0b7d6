// Where to go after signing in: only a path of this site. An absolute URL elsewhere, a
// protocol-relative one (//host), and their disguises (/\host, tabs, /.//host) fall back to the
// projects page, so a link to /signin?callbackUrl=… cannot send a signed-in person to another site.
// Pure: the sign-in form and next-auth's redirect callback both use it.

export const DEFAULT_CALLBACK_PATH = "/projects";

export function safeCallbackPath(callbackUrl: string | null | undefined, origin: string): string {
  if (!callbackUrl) return DEFAULT_CALLBACK_PATH;
  let url: URL;
  try {
    url = new URL(callbackUrl, origin);
  } catch {
    return DEFAULT_CALLBACK_PATH;
  }
  if (url.origin !== new URL(origin).origin) return DEFAULT_CALLBACK_PATH;
  // "/.//host" resolves to the path "//host", which a browser would read as another host.
  return `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
}
