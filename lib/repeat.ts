// The server's background loops (partition upkeep, the rollup refresh) share one way of repeating.

/** Runs `task` every `ms`, or `pace` times its last duration when that is longer, never overlapping itself. */
export function every(ms: number, task: () => Promise<void>, pace = 0): void {
  const loop = async () => {
    const started = performance.now();
    await task();
    setTimeout(loop, Math.max(ms, pace * (performance.now() - started))).unref();
  };
  void loop();
}
