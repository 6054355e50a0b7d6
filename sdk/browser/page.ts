// Page metrics: the time the page was visible and its deepest scroll, reported when it is left.
import { enabled } from "./config";
import { track } from "./track";

let engagedMs = 0;
let since = Date.now();
let visible = !document.hidden;
let depth = 0;

/** Scroll depth: the percentage of the page that has been on screen. */
export function measureScroll(): void {
  depth = Math.max(depth, (((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100) | 0);
}

/** Engagement counts visible time only: call it whenever visibility may have changed. */
export function countEngagement(): void {
  const now = Date.now();
  if (visible) engagedMs += now - since;
  since = now;
  visible = !document.hidden;
}

/** Reports the page being left; the counters start again for the next page. */
export function leavePage(): void {
  measureScroll();
  countEngagement();
  if (enabled("scroll")) track("scroll", { depth });
  track("page_leave", { engagement_ms: engagedMs, depth });
  engagedMs = depth = 0;
}
