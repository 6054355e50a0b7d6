// Wildcard patterns, the "matches" filter operator's and page goals' syntax: "*" stands for any run
// of characters (none included, "/" included), every other character for itself, case included.
// A pattern becomes a LIKE pattern sent as a parameter of the statement: LIKE's own wildcards ("%",
// "_") and its escape character ("\", PostgreSQL's default) are escaped in the literal parts, and
// each "*" becomes "%". So "/blog/*" is LIKE '/blog/%', and "/50%_off" matches only itself.

export const WILDCARD = "*";

export function likePatternOf(pattern: string): string {
  return pattern
    .split(WILDCARD)
    .map((literal) => literal.replace(/[\\%_]/g, (c) => `\\${c}`))
    .join("%");
}
