// The Node SDK: events batched in a bounded memory queue, sent to POST /api/v1/events with retries
// (exponential backoff with jitter, honouring Retry-After), flushed on demand, on shutdown and
// before the process exits.
import { randomUUID } from "node:crypto";
import { backoffDelay } from "../../lib/backoff";
import type { EventInput, IngestResponse } from "../../lib/ingest/schemas";

export const SDK_VERSION = "1.0.0";

const MAX_RETRY_AFTER_MS = 3_600_000;

export interface LumenOptions {
  /** Where Lumen runs, e.g. https://lumen.example.com */
  host: string;
  writeKey: string;
  /** Events per request (the API takes up to 1,000). */
  batchSize?: number;
  /** How long an event may wait for its batch to fill. */
  flushIntervalMs?: number;
  /** Events kept in memory at most; past it the oldest are dropped and counted in `dropped`. */
  maxQueueSize?: number;
  /** Attempts per batch after the first, for network errors, 429 and 5xx. */
  maxRetries?: number;
  /** First backoff step; it doubles on each retry up to maxRetryDelayMs, and each wait is half to all of its step (lib/backoff.ts). */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Called when a batch is given up on (rejected by the API, or still failing after the retries). */
  onError?: (error: Error, events: EventInput[]) => void;
}

/** An event as the API takes it; the SDK fills in event_id and timestamp when absent. */
export type TrackEvent = EventInput;

const RETRYABLE = (status: number) => status === 429 || status >= 500;

export class Lumen {
  /** Events dropped because the queue was full or the API refused them for good. */
  dropped = 0;
  private readonly options: Required<Omit<LumenOptions, "onError">> & Pick<LumenOptions, "onError">;
  private readonly endpoint: string;
  private queue: EventInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly flushBeforeExit = () => {
    // beforeExit fires again once the flush's work is done; only the first one flushes.
    process.off("beforeExit", this.flushBeforeExit);
    void this.flush();
  };

  constructor(options: LumenOptions) {
    this.options = {
      batchSize: 100,
      flushIntervalMs: 5000,
      maxQueueSize: 10_000,
      maxRetries: 5,
      retryBaseMs: 500,
      maxRetryDelayMs: 30_000,
      ...options,
    };
    this.endpoint = new URL("/api/v1/events", options.host).href;
    process.on("beforeExit", this.flushBeforeExit);
  }

  /** Queues an event; it is sent with its batch. */
  track(event: TrackEvent): void {
    if (this.closed) throw new Error("This Lumen client is shut down");
    this.queue.push({
      ...event,
      event_id: event.event_id ?? randomUUID(),
      timestamp: event.timestamp ?? new Date(),
      context: { library: { name: "lumen-node", version: SDK_VERSION }, ...event.context },
    });
    if (this.queue.length > this.options.maxQueueSize) {
      this.queue.shift();
      this.dropped++;
    }
    if (this.queue.length >= this.options.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs).unref();
  }

  /** Records who a user is: a `$identify` event whose properties are the traits. */
  identify(
    userId: string,
    traits?: Record<string, unknown>,
    event: Omit<TrackEvent, "name" | "user_id" | "properties"> = {},
  ): void {
    this.track({ ...event, name: "$identify", user_id: userId, properties: traits as TrackEvent["properties"] });
  }

  /** Sends everything queued so far; resolves once it has been sent or given up on. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // One flush at a time, in order: a flush called meanwhile waits for the current one.
    this.sending = this.sending.then(async () => {
      while (this.queue.length > 0) await this.sendBatch(this.queue.splice(0, this.options.batchSize));
    });
    return this.sending;
  }

  /** Flushes and stops: no more events are accepted. */
  async shutdown(): Promise<void> {
    this.closed = true;
    process.off("beforeExit", this.flushBeforeExit);
    await this.flush();
  }

  private async sendBatch(events: EventInput[]): Promise<void> {
    // Each attempt carries the same event_ids, so the server stores a retried event only once.
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | undefined;
      let failure: Error;
      try {
        const response = await fetch(this.endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.options.writeKey}` },
          body: JSON.stringify({ sent_at: new Date(), events }),
        });
        if (response.ok) {
          const result = (await response.json()) as IngestResponse;
          if (result.rejected.length > 0)
            this.giveUp(
              new Error(`Lumen rejected ${result.rejected.length} events: ${result.rejected[0]!.message}`),
              result.rejected.map((r) => events[r.index]!),
            );
          return;
        }
        failure = new Error(`Lumen answered ${response.status}: ${await response.text()}`);
        if (!RETRYABLE(response.status)) return this.giveUp(failure, events);
        // Honoured up to an hour: a longer wait would hold flush() and shutdown hostage to one header.
        retryAfterMs = Math.min(MAX_RETRY_AFTER_MS, Number(response.headers.get("retry-after")) * 1000) || undefined;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      if (attempt >= this.options.maxRetries) return this.giveUp(failure, events);
      const delay =
        retryAfterMs ??
        backoffDelay(attempt, { baseMs: this.options.retryBaseMs, maxMs: this.options.maxRetryDelayMs });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private giveUp(error: Error, events: EventInput[]): void {
    this.dropped += events.length;
    this.options.onError?.(error, events);
  }
}
