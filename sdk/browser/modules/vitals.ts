// lumen-vitals.js: Core Web Vitals (LCP, INP, CLS, FCP, TTFB) and page load timing from
// PerformanceObserver, sent as one web_vitals event per page load when the page is first hidden
// (or left): the moment the values are final, and the last one a page reliably gets to send.
// Times in milliseconds, CLS unitless; a metric the browser did not measure is left out.
import { send } from "./send";

type Entry = PerformanceEntry & { value: number; hadRecentInput: boolean; interactionId?: number };

const metrics: Record<string, number> = {};
/** The longest duration of each interaction (a click is a pointerdown, pointerup and click). */
const interactions: Record<number, number> = {};
let windowValue = 0;
let windowStart = 0;
let lastShift = 0;

/** Hands each observer's entries not yet delivered to its callback: report() runs before they would be. */
const pending: (() => void)[] = [];

function observe(type: string, onEntry: (entry: Entry) => void, durationThreshold?: number): void {
  try {
    const take = (entries: PerformanceEntry[]) => entries.forEach(onEntry as (entry: PerformanceEntry) => void);
    const observer = new PerformanceObserver((list) => take(list.getEntries()));
    observer.observe({ type, buffered: true, durationThreshold } as PerformanceObserverInit);
    // The click that hides the page (a link, a tab switch) is queued for the observer's next task.
    pending.push(() => take(observer.takeRecords()));
  } catch {} // a type this browser does not support: that metric is left out
}

// The last candidate is the largest; the browser stops reporting candidates at the first input.
observe("largest-contentful-paint", (entry) => (metrics.lcp = entry.startTime));
observe("paint", (entry) => entry.name == "first-contentful-paint" && (metrics.fcp = entry.startTime));
// CLS: the largest session window of shifts (each less than 1 s after the last, within 5 s),
// not counting shifts right after an input.
observe("layout-shift", (entry) => {
  if (entry.hadRecentInput) return;
  if (entry.startTime - lastShift > 1000 || entry.startTime - windowStart > 5000) {
    windowValue = 0;
    windowStart = entry.startTime;
  }
  windowValue += entry.value;
  lastShift = entry.startTime;
  metrics.cls = Math.max(metrics.cls || 0, windowValue);
});
const interaction = (entry: Entry) => {
  const id = entry.interactionId;
  if (id) interactions[id] = Math.max(interactions[id] || 0, entry.duration);
};
// Event timing reports events of 40 ms or more (16 is the least allowed; 40 is the usual); the first
// input always, so a page with only quick interactions still has an INP.
observe("event", interaction, 40);
observe("first-input", interaction);

let reported = false;

function report(): void {
  if (reported) return;
  reported = true;
  for (const takePending of pending) takePending();
  // INP: the worst interaction, or near the 98th percentile on pages with many (one skipped per 50).
  const durations = Object.values(interactions).sort((a, b) => b - a);
  if (durations[0]) metrics.inp = durations[Math.min(durations.length - 1, (durations.length / 50) | 0)]!;
  const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  if (navigation) {
    metrics.ttfb = navigation.responseStart;
    // 0 until the event has ended: a page left while loading has no load time.
    if (navigation.domContentLoadedEventEnd) metrics.dom_content_loaded = navigation.domContentLoadedEventEnd;
    if (navigation.loadEventEnd) metrics.load = navigation.loadEventEnd;
  }
  for (const name in metrics) metrics[name] = +metrics[name]!.toFixed(name == "cls" ? 4 : 0);
  send("web_vitals", metrics, true);
}

addEventListener("visibilitychange", () => document.hidden && report());
addEventListener("pagehide", report);
