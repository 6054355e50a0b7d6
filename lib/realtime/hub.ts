// Live updates, coalesced: one LISTEN connection per process hears "events committed for project
// P" (NOTIFY from ingestion, so it works across processes); every tick, each distinct feed of a
// changed project is recomputed once and the result sent to all of that feed's subscribers,
// however many viewers share it.
import pg from "pg";
import { getEnv } from "../env";
import { log } from "../log";

export const EVENTS_CHANNEL = "lumen_events";
const TICK_MS = 250;

export interface Feed<T> {
  /** Subscribers with the same key share one computation per tick. */
  key: string;
  projectId: string;
  compute: () => Promise<T>;
}

type Listener = (value: unknown) => void;

interface FeedState {
  projectId: string;
  compute: () => Promise<unknown>;
  listeners: Set<Listener>;
}

export class RealtimeHub {
  private readonly feeds = new Map<string, FeedState>();
  private readonly dirty = new Set<string>();
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  /** How many feed computations ran: the cost that must not grow with the number of viewers. */
  computations = 0;

  subscribe<T>(feed: Feed<T>, listener: (value: T) => void): () => void {
    let state = this.feeds.get(feed.key);
    if (!state) {
      state = { projectId: feed.projectId, compute: feed.compute, listeners: new Set() };
      this.feeds.set(feed.key, state);
    }
    state.listeners.add(listener as Listener);
    void this.start();
    return () => {
      state.listeners.delete(listener as Listener);
      if (state.listeners.size === 0) this.feeds.delete(feed.key);
    };
  }

  /** Marks a project changed (what a NOTIFY does); the next tick recomputes its feeds. */
  markChanged(projectId: string): void {
    this.dirty.add(projectId);
  }

  async tick(): Promise<void> {
    if (this.dirty.size === 0) return;
    const changed = new Set(this.dirty);
    this.dirty.clear();
    await Promise.all(
      [...this.feeds.values()]
        .filter((feed) => changed.has(feed.projectId))
        .map(async (feed) => {
          this.computations++;
          try {
            const value = await feed.compute();
            for (const listener of feed.listeners) {
              try {
                listener(value);
              } catch {
                // A viewer that went away mid-send; its stream unsubscribes itself.
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
    client.on("notification", (message) => message.payload && this.markChanged(message.payload));
    client.on("error", () => {
      // The connection dropped: listen again on a fresh one; meanwhile feeds just stay quiet.
      this.client = undefined;
      setTimeout(() => void this.listen(), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      // Changes made while the connection was being (re)established were not heard: refresh all.
      for (const feed of this.feeds.values()) this.markChanged(feed.projectId);
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
