// A realtime feed as a server-sent events stream: the current value first, then every value the
// hub pushes, heartbeats so proxies keep the connection open, and an optional end after which the
// client reconnects (and so is authorised again), or an end decided from outside (access withdrawn).
import { z } from "zod";
import { setLongTimeout } from "../long-timeout";
import { type Feed, getRealtimeHub, type RealtimeHub } from "./hub";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: a compressing proxy (or Next's own gzip) must not buffer the stream.
  "cache-control": "no-store, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;

// Ids count up across reconnects: a client sends its last one back and numbering continues.
const lastEventIdSchema = z.coerce
  .number()
  .int()
  .nonnegative()
  .max(Number.MAX_SAFE_INTEGER - 1)
  .catch(0);

/** The last event of a stream that ends, telling the client why (e.g. "expired", "revoked"). */
export interface StreamEnd {
  event: string;
  data?: Record<string, unknown>;
}

/** One "data" event: its id and its payload, already serialised. */
export interface FeedEvent {
  id: string;
  data: string;
}

export interface FeedStreamOptions<T> {
  signal: AbortSignal;
  /** The Last-Event-ID request header of a reconnecting client. */
  lastEventId?: string | null;
  /** Close the stream after this long; the client reconnects by itself. */
  maxAgeMs?: number;
  /** An event sent just before closing at maxAgeMs (e.g. "expired"), telling the client why. */
  endEvent?: string;
  /** Ends the stream with this event when it resolves (whichever of it and maxAgeMs comes first). */
  end?: Promise<StreamEnd>;
  /** Called once when the stream closes, however it closes (not when this rejects). */
  onClose?: () => void;
  /**
   * Ids and payloads of the values. Default: ids counting up across reconnects, JSON payloads. A
   * value whose id equals the last one sent (or the client's Last-Event-ID) is not sent again.
   */
  serialize?: (value: T) => FeedEvent;
  heartbeatMs?: number;
  hub?: RealtimeHub;
}

/**
 * Subscribes first, then reads the current value (shared with every viewer arriving at the same
 * time: hub.current), so a change committed meanwhile is never lost: values the hub pushes in
 * between follow it. If that first value fails, this rejects before any byte is sent (the route
 * answers with an error status rather than a broken stream).
 */
export async function openFeedStream<T>(
  feed: Feed<T>,
  options: FeedStreamOptions<T>,
): Promise<ReadableStream<Uint8Array>> {
  const { signal, maxAgeMs, endEvent, end, onClose, heartbeatMs = HEARTBEAT_MS, hub = getRealtimeHub() } = options;
  const pending: T[] = [];
  let deliver: (value: T) => void = (value) => pending.push(value);
  const unsubscribe = hub.subscribe(feed, (value) => deliver(value));
  let initial: T;
  try {
    initial = await hub.current(feed);
  } catch (error) {
    unsubscribe();
    throw error;
  }

  const encoder = new TextEncoder();
  let counter = lastEventIdSchema.parse(options.lastEventId ?? 0);
  const serialize =
    options.serialize ?? ((value: T): FeedEvent => ({ id: String(++counter), data: JSON.stringify(value) }));
  let sentId = options.lastEventId ?? null;
  let stop: () => void = unsubscribe;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // Closed under us (the client went away): stop feeding it.
          stop();
        }
      };
      const close = () => {
        stop();
        try {
          controller.close();
        } catch {
          // The client already went away.
        }
      };
      write(`retry: ${RETRY_MS}\n\n`);
      deliver = (value) => {
        const event = serialize(value);
        if (event.id === sentId) return;
        sentId = event.id;
        write(`id: ${event.id}\nevent: data\ndata: ${event.data}\n\n`);
      };
      for (const value of [initial, ...pending]) deliver(value);
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), heartbeatMs);
      const finish = ({ event, data = {} }: StreamEnd) => {
        write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        close();
      };
      const cancelExpiry =
        maxAgeMs === undefined
          ? undefined
          : setLongTimeout(() => (endEvent ? finish({ event: endEvent }) : close()), maxAgeMs);
      stop = () => {
        clearInterval(heartbeat);
        cancelExpiry?.();
        unsubscribe();
        stop = () => undefined;
        onClose?.();
      };
      void end?.then(finish);
      if (signal.aborted) close();
      else signal.addEventListener("abort", close, { once: true });
    },
    cancel() {
      stop();
    },
  });
}
