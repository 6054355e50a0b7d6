// Pure helpers that keep personal data out of what the tracker sends. No DOM access, so they are
// unit-tested in Node.

// Plain or percent-encoded "@", as emails appear in paths, query strings, titles and properties.
const EMAIL = /[\w.+-]+(@|%40)[\w.-]+\.\w+/g;

export const scrubEmails = (text: string): string => text.replace(EMAIL, "[email]");

/** The URL without its fragment and its query except utm_* parameters; emails scrubbed. */
export function cleanUrl(href: string): string {
  const url = new URL(href);
  url.hash = "";
  // Drops every parameter but utm_*, then the "?" or "&" left in front of the first one kept.
  url.search = url.search.replace(/[?&](?!utm_)[^&]*/g, "").slice(1);
  return scrubEmails(url.href);
}

// Comma-separated globs, one RegExp matching a whole path that any of them matches: "*" matches any
// characters, "/" included (e.g. /admin*,/blog/*/draft); the rest is literal. "" matches no path.
export const globsToRegExp = (globs: string): RegExp =>
  RegExp(
    "^(" +
      globs
        .replace(/[^\w*,]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/,/g, "|") +
      ")$",
  );

// A URL's query string and fragment, up to a stack frame's ":line:col" (kept) or the URL's end.
const URL_QUERY = /(\b[a-z][\w+.-]*:\/\/[^\s?#)]*)[?#][^\s)]*?(:\d+:\d+)?(?=[\s)]|$)/gi;

/** Error messages and stack frames without URLs' query strings and fragments, and without emails. */
export const scrubErrorText = (text: string): string => scrubEmails(text.replace(URL_QUERY, "$1$2"));
