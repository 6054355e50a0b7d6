// What the session rollups keep apart, shared by their refresh (session-refresh.ts) and their
// queries (session-rollups.ts). Filtered, a session measure measures the events in scope grouped by
// session (lib/query/sessions.ts): the selected part of each session. The rollups can select:
// - by a key: one value of path, referrer or utm_source (events vary in these within a session);
// - by a profile: one or more values of country, device, browser or os, which nearly every session
//   keeps throughout. A session that does (pure in that dimension) is selected whole or not at all;
//   the few that do not ("mixed") are recombined from their fragments, which are kept per combination.
// - by two profile dimensions at once (an embed locking a country while its viewer picks a device),
//   for whole sessions only: their counts are kept per pair of values as well.

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

/** One profile dimension, or two in PROFILE_DIMENSIONS' order. */
export type ProfileDimensions = readonly [ProfileDimension] | readonly [ProfileDimension, ProfileDimension];

const PROFILE_ORDER = Object.keys(PROFILE_DIMENSIONS) as ProfileDimension[];

/** Every pair of profile dimensions, in order: the six session_counts also count whole sessions by. */
export const PROFILE_PAIRS = PROFILE_ORDER.flatMap((first, i) =>
  PROFILE_ORDER.slice(i + 1).map((second) => [first, second] as const),
);

/** The given profile dimensions (one or two, any order) in PROFILE_DIMENSIONS' order. */
export const orderedProfile = (dimensions: ProfileDimension[]): ProfileDimensions =>
  PROFILE_ORDER.filter((d) => dimensions.includes(d)) as unknown as ProfileDimensions;

/**
 * session_counts' profile_dimension for a profile: the dimension, or a pair's two joined by "+". A
 * pair's profile_value is the JSON array of its two values (jsonb's text form, so one pair of values
 * is one text whatever characters they hold), NULL unless both are.
 */
export const profileName = (dimensions: ProfileDimensions): string => dimensions.join("+");

export const profileValueSql = (values: readonly [string] | readonly [string, string]): string =>
  values.length === 1
    ? values[0]
    : `CASE WHEN ${values[0]} IS NOT NULL AND ${values[1]} IS NOT NULL THEN jsonb_build_array(${values[0]}, ${values[1]})::text END`;

/** The positions of a fragment's `keys` rows: [key id, first ms, last ms, pageviews, interactions]. */
export const KEY_ROW = { id: 1, first: 2, last: 3, pageviews: 4, interactions: 5 } as const;

/**
 * session_counts' parts beside the selected events (part 0): every whole session counted once by
 * its entry page and once by its exit page, under that path's key id (0: no pageview).
 */
export const PAGE_PARTS = { entry_page: 1, exit_page: 2 } as const;
