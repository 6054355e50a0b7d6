/** Sent as context.library.version; bump on behaviour changes so reports can tell tracker versions apart. */
export const TRACKER_VERSION = "1.0.0";
