// Who the visitor is, as far as their choices allow: Do Not Track / Global Privacy Control, the
// consent state (remembered, so a decision holds on later pages) and the anonymous id it allows.
import { enabled, initialConsent } from "./config";
import { item } from "./storage";
import type { ConsentState } from "./types";
import { uuid } from "./uuid";

export const doNotTrack = enabled("respectDnt") && (navigator.doNotTrack == "1" || navigator.globalPrivacyControl);

/** null (no data-consent, no decision): counted without any stored id, by the server's daily hash. */
export let consent = (item("consent") || initialConsent) as ConsentState | null;

/** Plain-http pages are not tracked: they lack crypto.randomUUID, which every event id needs. */
export const trackingAllowed = () => isSecureContext && !doNotTrack && consent != "denied";

/** A random id kept in localStorage, only with consent. */
export const anonymousId = () => (consent == "granted" ? item("aid") || item("aid", uuid()) : undefined);

export function setConsent(state: boolean | ConsentState): void {
  consent = state === true ? "granted" : state || "denied";
  item("consent", consent!);
  if (consent != "granted") item("aid", "");
}
