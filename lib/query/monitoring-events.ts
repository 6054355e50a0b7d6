// The event names the opt-in tracker modules send (sdk/browser/modules) and the vitals and errors
// queries read. Zod- and server-free: pages import them too.

/** lumen-vitals.js: one per page load. */
export const VITALS_EVENT = "web_vitals";

/** lumen-errors.js: one per uncaught error or unhandled rejection. */
export const ERRORS_EVENT = "js_error";
