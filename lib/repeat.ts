// The server's background loops (partition upkeep, the rollup refresh) share one way of repeating.

/** Runs `task` again `next(duration in ms)` ms after each run ends, never overlapping itself. */
export function repeat<T>(task: () => Promise<T>, next: (result: T, durationMs: number) => number): void {
  const loop = async () => {
    const started = performance.now();
    const result = await task();
    setTimeout(loop, next(result, performance.now() - started)).unref();
  };
  void loop();
}

/** Runs `task` every `ms`, never overlapping itself. */
export function every(ms: number, task: () => Promise<void>): void {
  repeat(task, () => ms);
}
