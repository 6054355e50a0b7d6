// setTimeout takes delays up to 2^31-1 ms (about 24.8 days); browsers and Node run a longer one
// after 1 ms instead, so a timer armed from a token's or a header's remaining time fires at once.
// Every timer whose delay comes from data (a token's expiry, a server's Retry-After) goes through here.

/** setTimeout's longest delay. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface LongTimeoutOptions {
  /** Node only: the timer does not keep the process alive. */
  unref?: boolean;
}

/**
 * Calls `callback` once, `delayMs` from now, however long that is: past setTimeout's limit it waits
 * in steps towards a wall-clock deadline (so a machine that slept still fires on time). Returns the
 * function that cancels it.
 */
export function setLongTimeout(callback: () => void, delayMs: number, options: LongTimeoutOptions = {}): () => void {
  const deadline = Date.now() + Math.max(0, delayMs);
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = deadline - Date.now();
    timer = left > MAX_TIMER_DELAY_MS ? setTimeout(arm, MAX_TIMER_DELAY_MS) : setTimeout(callback, Math.max(0, left));
    if (options.unref && typeof timer === "object" && "unref" in timer) timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
