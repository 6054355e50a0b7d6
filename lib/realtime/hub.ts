// Live updates, coalesced: one LISTEN connection per process hears "events committed for project
// P" (NOTIFY from ingestion, so it works across processes); every tick, each distinct feed of a
// changed project is recomputed once and the result sent to all of that feed's subscribers,
// however many viewers share it. Viewers arriving share the feed's current value the same way.
// The same connection hears "access to project P changed" (an embed revoked, a secret rotated), so
// open streams can be authorised again at once in every process (lib/realtime/access-watch.ts).
import "server-only";
import pg from "pg";
import { getEnv } from "../env";
import { log } from "../log";

export const EVENTS_CHANNEL = "lumen_events";
/** Payload: JSON of an AccessChange (lib/realtime/access-watch.ts). */
export const ACCESS_CHANNEL = "lumen_access";
const TICK_MS = 250;

export interface Feed<T> {
  /** Subscribers with the same key share one computation per tick. */
  key: string;
  projectId: string;
  /** `changed`: the project's data changed since the last run (not a first read or a clock refresh). */
  compute: (run: { changed: boolean }) => Promise<T>;
  /**
   * Also recompute this often while anyone listens, even without a change: for values that move
   * with the clock, such as "visitors in the last 5 minutes", which fall as visitors leave.
   */
  refreshMs?: number;
}

/** What a process's hub is carrying: reported by GET /api/health for operators and benchmarks. */
export interface RealtimeStats {
  feeds: number;
  viewers: number;
  computations: number;
}

type Listener = (value: unknown) => void;
/** Hears access notices: the NOTIFY payload, or null after (re)connecting, when notices may have been missed. */
export type AccessListener = (payload: string | null) => void;

interface FeedState {
  key: string;
  projectId: string;
  compute: (run: { changed: boolean }) => Promise<unknown>;
  listeners: Set<Listener>;
  refreshMs?: number;
  computedAt: number;
  /** Computations started so far: orders their results, so an older one never replaces a newer. */
  runs: number;
  /** The computation in progress, which a new subscriber joins rather than starting another. */
  running?: Promise<unknown>;
  /** The newest result. Still current: a change since would have started a recomputation. */
  latest?: { run: number; value: unknown };
}

export class RealtimeHub {
  private readonly feeds = new Map<string, FeedState>();
  private readonly dirty = new Set<string>();
  private readonly accessListeners = new Set<AccessListener>();
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  /** How many feed computations ran: the cost that must not grow with the number of viewers. */
  computations = 0;

  subscribe<T>(feed: Feed<T>, listener: (value: T) => void): () => void {
    let state = this.feeds.get(feed.key);
    if (!state) {
      // A new subscriber reads the current value itself, so the feed starts out fresh.
      state = {
        key: feed.key,
        projectId: feed.projectId,
        compute: feed.compute,
        listeners: new Set(),
        refreshMs: feed.refreshMs,
        computedAt: Date.now(),
        runs: 0,
      };
      this.feeds.set(feed.key, state);
    }
    state.listeners.add(listener as Listener);
    void this.start();
    return () => this.remove(state, listener as Listener);
  }

  private remove(state: FeedState, listener: Listener): void {
    state.listeners.delete(listener);
    // Only this state: after it emptied, a later subscriber may have started a new one.
    if (state.listeners.size === 0 && this.feeds.get(state.key) === state) this.feeds.delete(state.key);
  }

  /**
   * The feed's current value, for a viewer who just subscribed to it (so any later change reaches
   * them through the tick): the computation in progress if there is one, else the newest result,
   * else a new computation. A thousand viewers arriving together cost one query, not a thousand.
   */
  current<T>(feed: Feed<T>): Promise<T> {
    const state = this.feeds.get(feed.key);
    if (!state) return feed.compute({ changed: false });
    if (state.running) return state.running as Promise<T>;
    if (state.latest) return Promise.resolve(state.latest.value as T);
    return this.run(state) as Promise<T>;
  }

  private run(state: FeedState, now = Date.now(), changed = false): Promise<unknown> {
    const run = ++state.runs;
    this.computations++;
    state.computedAt = now;
    const settle = () => {
      if (state.runs === run) state.running = undefined;
    };
    const running = state.compute({ changed }).then(
      (value) => {
        if (!state.latest || state.latest.run < run) state.latest = { run, value };
        settle();
        return value;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    state.running = running;
    return running;
  }

  /** Calls the listener with every access notice this process hears, from any process. */
  watchAccess(listener: AccessListener): () => void {
    this.accessListeners.add(listener);
    void this.start();
    return () => this.accessListeners.delete(listener);
  }

  private hearAccess(payload: string | null): void {
    for (const listener of this.accessListeners) {
      try {
        listener(payload);
      } catch (error) {
        log.warn("access listener failed", { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Marks a project changed (what a NOTIFY does); the next tick recomputes its feeds. */
  markChanged(projectId: string): void {
    this.dirty.add(projectId);
  }

  stats(): RealtimeStats {
    let viewers = 0;
    for (const feed of this.feeds.values()) viewers += feed.listeners.size;
    return { feeds: this.feeds.size, viewers, computations: this.computations };
  }

  async tick(now = Date.now()): Promise<void> {
    const changed = new Set(this.dirty);
    this.dirty.clear();
    const due = [...this.feeds.values()].filter(
      (feed) =>
        changed.has(feed.projectId) || (feed.refreshMs !== undefined && now - feed.computedAt >= feed.refreshMs),
    );
    await Promise.all(
      due.map(async (feed) => {
        try {
          const value = await this.run(feed, now, changed.has(feed.projectId));
          for (const listener of feed.listeners) {
            try {
              listener(value);
            } catch {
              // Its stream is closed (the viewer went away) yet still subscribed: drop it, or it
              // would keep this feed, and its queries, alive with nobody watching.
              this.remove(feed, listener);
            }
          }
        } catch (error) {
          log.warn("realtime feed failed", { error: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }

  private async start(): Promise<void> {
    if (this.timer) return;
    const loop = async () => {
      await this.tick();
      this.timer = setTimeout(loop, TICK_MS).unref();
    };
    this.timer = setTimeout(loop, TICK_MS).unref();
    await this.listen();
  }

  private async listen(): Promise<void> {
    const url = getEnv().DATABASE_URL;
    if (!url || this.client) return;
    const client = new pg.Client({ connectionString: url });
    this.client = client;
    client.on("notification", (message) => {
      if (!message.payload) return;
      if (message.channel === ACCESS_CHANNEL) this.hearAccess(message.payload);
      else this.markChanged(message.payload);
    });
    client.on("error", () => {
      // The connection dropped: listen again on a fresh one; meanwhile feeds just stay quiet.
      this.client = undefined;
      setTimeout(() => void this.listen(), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}; LISTEN ${ACCESS_CHANNEL}`);
      // Changes made while the connection was being (re)established were not heard: refresh all,
      // and authorise every open stream again.
      for (const feed of this.feeds.values()) this.markChanged(feed.projectId);
      this.hearAccess(null);
    } catch (error) {
      log.warn("realtime listen failed", { error: error instanceof Error ? error.message : String(error) });
      client.emit("error", error);
    }
  }
}

const globalForHub = globalThis as unknown as { lumenRealtimeHub?: RealtimeHub };

export function getRealtimeHub(): RealtimeHub {
  globalForHub.lumenRealtimeHub ??= new RealtimeHub();
  return globalForHub.lumenRealtimeHub;
}
