// The pace of live refetches: a change of the project's data asks for a refresh; refreshes run one
// at a time (a slow one is never cancelled by the next change), start at least `minIntervalMs`
// apart (a burst of events costs one refresh, not one per event), and wait while the page is
// hidden (a background tab catches up once, when it is shown again). Nothing runs without changes.
export interface LiveRefreshOptions {
  refresh: () => Promise<unknown>;
  isVisible: () => boolean;
  minIntervalMs: number;
  now?: () => number;
}

export interface LiveRefresh {
  /** The data changed: refresh as soon as the pace allows. */
  changed(): void;
  /** The page may have become visible: run a refresh that waited for it. */
  resume(): void;
  stop(): void;
}

export function createLiveRefresh({
  refresh,
  isVisible,
  minIntervalMs,
  now = () => Date.now(),
}: LiveRefreshOptions): LiveRefresh {
  let pending = false;
  let running = false;
  let stopped = false;
  let lastStart = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const schedule = () => {
    if (stopped || !pending || running || timer !== undefined || !isVisible()) return;
    timer = setTimeout(() => void run(), Math.max(0, lastStart + minIntervalMs - now()));
  };

  const run = async () => {
    timer = undefined;
    if (stopped || !isVisible()) return;
    // Changes from here on need another round: this one may have read the data before them.
    pending = false;
    running = true;
    lastStart = now();
    try {
      await refresh();
    } catch {
      // A failed refetch shows its own error in its panel; the next change tries again.
    } finally {
      running = false;
    }
    schedule();
  };

  return {
    changed() {
      pending = true;
      schedule();
    },
    resume: schedule,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
