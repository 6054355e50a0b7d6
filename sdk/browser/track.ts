// track(): builds the event from the page, session and identity, and only enqueues it (sending is
// batched), so it costs microseconds on the caller's path.
import { enabled, excludedPaths } from "./config";
import { anonymousId, consent, doNotTrack, trackingAllowed } from "./identity";
import { cleanUrl, globsToRegExp, scrubEmails } from "./privacy";
import { enqueue } from "./queue";
import { sessionId, touchSession } from "./session";
import type { PageContext, Properties, WireEvent } from "./types";
import { uuid } from "./uuid";
import { library } from "./version";

const excluded = globsToRegExp(excludedPaths);

/** Memory only: sites call identify() on each page while the user is signed in. */
let userId: string | undefined;

/** The page events are about: set on load and on each navigation. */
export let currentPage: PageContext;

export function enterPage(url: string): void {
  // In a single-page app the referrer of a page is the previous page, as a browser would report it.
  const referrer = currentPage ? currentPage.url : document.referrer && cleanUrl(document.referrer);
  currentPage = { url, path: new URL(url).pathname, title: scrubEmails(document.title), referrer };
}

export function track(name: string, properties?: Properties): void {
  if (!trackingAllowed() || excluded.test(currentPage.path!)) return;
  // The first event of a session comes after a session_start (this call does not start another).
  if (touchSession() && enabled("sessions")) track("session_start");
  let event: WireEvent | null = {
    event_id: uuid(),
    name,
    timestamp: Date.now(),
    user_id: userId,
    // Events held while consent is pending get none: the decision comes after them.
    anonymous_id: anonymousId(),
    session_id: sessionId,
    // Round-tripping the JSON scrubs emails at any depth (they never contain quotes or backslashes).
    properties: properties && JSON.parse(scrubEmails(JSON.stringify(properties))),
    // Only context the server stores (screen size and time zone have no column yet); it derives utm_*,
    // the referrer's host, browser, OS and device from the page URL, the referrer and the user agent.
    context: { page: currentPage, locale: navigator.language, library },
  };
  const beforeSend = lumen.beforeSend; // lumen.ts sets window.lumen before any event
  if (beforeSend) event = beforeSend(event);
  if (event) enqueue(event);
}

export function identify(id: string, traits?: Properties): void {
  userId = id;
  track("$identify", traits);
}

/**
 * A consent decision goes to the server's consent trail (a $consent event) with the anonymous id it
 * concerns: the one it withdraws, or the one it grants. Not under Do Not Track, where nothing is
 * sent; the queue keeps it through a withdrawal, which drops everything else.
 */
export function reportConsent(previousId?: string): void {
  if (isSecureContext && !doNotTrack)
    enqueue({
      event_id: uuid(),
      name: "$consent",
      timestamp: Date.now(),
      user_id: userId,
      anonymous_id: previousId || anonymousId(),
      consent: { state: consent! },
      context: { library },
    });
}
