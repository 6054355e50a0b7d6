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

// Glob-ish: "*" matches any characters, "/" included (e.g. /admin*, /blog/*/draft); the rest is literal.
export const globToRegExp = (glob: string): RegExp =>
  RegExp("^" + glob.replace(/\W/g, "\\$&").replace(/\\\*/g, ".*") + "$");
