// Coalesces concurrent ingestion requests into shared transactions. While the writes in flight are
// at their limit, arriving batches wait and then go together in one COPY: under load the server
// writes fewer, larger transactions (less per-statement work and index-page contention in
// PostgreSQL); when idle, a batch is written at once, so nothing waits for a timer. Every caller
// still gets its answer only after its events are committed.
import type pg from "pg";
import { writeEventGroups, type EventGroup } from "./write-events";

interface Pending {
  group: EventGroup;
  resolve: (accepted: number) => void;
  reject: (error: unknown) => void;
}

export interface EventWriterOptions {
  /** Transactions in flight at once. */
  maxInFlight?: number;
  /** Events one shared transaction takes at most (a single larger batch still goes alone). */
  maxEvents?: number;
}

export class EventWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxEvents: number;

  constructor(
    private readonly pool: pg.Pool,
    options: EventWriterOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxEvents = options.maxEvents ?? 5000;
  }

  /** Resolves to how many of the group's events were new, once they are committed. */
  write(group: EventGroup): Promise<number> {
    if (group.rows.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.queue.push({ group, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Pending[] = [this.queue.shift()!];
      let events = batch[0]!.group.rows.length;
      while (this.queue.length > 0 && events + this.queue[0]!.group.rows.length <= this.maxEvents) {
        const next = this.queue.shift()!;
        events += next.group.rows.length;
        batch.push(next);
      }
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const accepted = await writeEventGroups(this.pool, batch.map((p) => p.group));
      batch.forEach((p, i) => p.resolve(accepted[i] ?? 0));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One request's rows must not fail the others': retry each on its own.
      for (const pending of batch) {
        await writeEventGroups(this.pool, [pending.group]).then(([accepted]) => pending.resolve(accepted ?? 0), pending.reject);
      }
    }
  }
}

const globalForWriter = globalThis as unknown as { lumenEventWriter?: EventWriter & { boundTo?: pg.Pool } };

/** The process's writer, bound to the current database pool. */
export function getEventWriter(pool: pg.Pool): EventWriter {
  const current = globalForWriter.lumenEventWriter;
  if (current?.boundTo === pool) return current;
  const writer = Object.assign(new EventWriter(pool), { boundTo: pool });
  globalForWriter.lumenEventWriter = writer;
  return writer;
}
