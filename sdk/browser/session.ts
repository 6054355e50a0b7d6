// Sessions end after 30 minutes without events. The id lives in sessionStorage: this tab only, gone
// when it closes, so it links the page loads of one visit without identifying the visitor.
import { item } from "./storage";
import { uuid } from "./uuid";

const stored = item("session", undefined, true)?.split(" ");
export let sessionId = stored?.[0];
let lastSeen = +(stored?.[1] as string);

/** Extends the session to now; true when that starts a new one. */
export function touchSession(): boolean {
  const now = Date.now();
  const starts = !(now - lastSeen < 18e5); // 30 minutes
  if (starts) sessionId = uuid();
  lastSeen = now;
  return starts;
}

/** Stored with the queue (on every flush, and when the page is hidden), not on every event: storage writes cost. */
export const saveSession = () => item("session", sessionId + " " + lastSeen, true);
