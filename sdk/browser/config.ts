// Settings from the script tag's data- attributes (see README.md in this folder). The script element
// is captured while the script runs: document.currentScript is only set then.
const script = document.currentScript as HTMLScriptElement;
const settings = script.dataset;

export const writeKey = settings.key;
/** data-host: the origin to send to, e.g. https://stats.example.com; by default the script's own. */
export const endpoint = new URL("/api/v1/events", settings.host || script.src).href;
export const initialConsent = settings.consent;
export const excludedPaths = settings.exclude || "";

/**
 * Automatic captures and defaults are on unless their attribute says "false": data-pageviews,
 * data-sessions, data-clicks, data-outbound, data-downloads, data-scroll, data-respect-dnt (as respectDnt).
 */
export const enabled = (name: string): boolean => settings[name] != "false";
