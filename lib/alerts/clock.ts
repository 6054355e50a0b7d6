// The alerts' clock: what "now" is for evaluation. The seam time-dependent tests move (forward, to
// let a rolling window pass without waiting for it) through POST /api/v1/alerts/clock, which only
// exists when LUMEN_TEST_PAGES is set. Kept on globalThis: Next.js may load this module once per
// layer (instrumentation, route handlers), and both must read one clock.
const globalForClock = globalThis as unknown as { lumenAlertClockOffsetMs?: number };

export function alertNow(): Date {
  return new Date(Date.now() + (globalForClock.lumenAlertClockOffsetMs ?? 0));
}

export function setAlertClockOffset(offsetMs: number): void {
  globalForClock.lumenAlertClockOffsetMs = offsetMs;
}
