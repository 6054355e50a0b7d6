// What the session rollups keep apart, shared by their refresh (session-refresh.ts) and their
// queries (session-rollups.ts). Filtered, a session measure measures the events in scope grouped by
// session (lib/query/sessions.ts): the selected part of each session. The rollups can select:
// - by a key: one value of path, referrer or utm_source (events vary in these within a session);
// - by a profile: one or more values of country, device, browser or os, which nearly every session
//   keeps throughout. A session that does (pure in that dimension) is selected whole or not at all;
//   the few that do not ("mixed") are recombined from their fragments, which are kept per combination.

/** Query dimension -> events column, for the key dimensions. */
export const KEY_DIMENSIONS = { path: "path", referrer: "referrer_host", utm_source: "utm_source" } as const;

/** Query dimension -> events column and its bit in session_fragments.mixed, for the profile dimensions. */
export const PROFILE_DIMENSIONS = {
  country: { column: "country", bit: 1 },
  device: { column: "device_type", bit: 2 },
  browser: { column: "browser", bit: 4 },
  os: { column: "os", bit: 8 },
} as const;

export type KeyDimension = keyof typeof KEY_DIMENSIONS;
export type ProfileDimension = keyof typeof PROFILE_DIMENSIONS;

export const isKeyDimension = (dimension: string): dimension is KeyDimension => dimension in KEY_DIMENSIONS;
export const isProfileDimension = (dimension: string): dimension is ProfileDimension => dimension in PROFILE_DIMENSIONS;

/** The positions of a fragment's `keys` rows: [key id, first ms, last ms, pageviews, interactions]. */
export const KEY_ROW = { id: 1, first: 2, last: 3, pageviews: 4, interactions: 5 } as const;

/**
 * session_counts' parts beside the selected events (part 0): every whole session counted once by
 * its entry page and once by its exit page, under that path's key id (0: no pageview).
 */
export const PAGE_PARTS = { entry_page: 1, exit_page: 2 } as const;
