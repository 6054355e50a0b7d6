/** Sent as context.library; bump the version on behaviour changes so reports can tell tracker versions apart. */
export const library = { name: "lumen-js", version: "1.0.0" };
