// How long a client waits before trying again: exponential backoff with "equal jitter". The step
// doubles from `baseMs` up to `maxMs`; half of it is always waited and the other half is random, so
// clients cut off together (a restarted server, a network blip) spread out when they come back
// while each still slows down as failures go on. Pure, so browser code (the live streams of the
// overview and of embeds) and the Node SDK share it. The browser tracker keeps an inlined copy of
// the same curve: this module would cost bytes its size budget does not have (sdk/browser/queue.ts).

export interface BackoffPolicy {
  /** The first retry's step (it waits between half of it and all of it). */
  baseMs: number;
  /** The largest step, however many failures came before. */
  maxMs: number;
}

/** The wait before retry number `attempt` (0 for the first retry): a random point in the upper half of min(maxMs, baseMs·2^attempt). */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return step / 2 + (step / 2) * random();
}
