// Reads a server-sent events response over real HTTP event by event (lib/realtime/sse-parser), so
// tests wait on what a stream says, with a deadline, rather than sleeping.
import { type ServerSentEvent, SseParser } from "../lib/realtime/sse-parser";

export interface EventStreamReader {
  /** The next event of this type (earlier ones are skipped), or null if the stream ends first; rejects past the deadline. */
  until(type: string, timeoutMs: number): Promise<ServerSentEvent | null>;
  /** Resolves true when the stream ends (skipping any events left); rejects past the deadline. */
  ended(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function readEventStream(response: Response): EventStreamReader {
  if (!response.body) throw new Error(`no stream: status ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const queue: ServerSentEvent[] = [];
  let done = false;
  // A read still pending when a deadline passes carries over to the next call, so nothing is lost.
  let pending: ReturnType<typeof reader.read> | null = null;

  async function next(deadline: number): Promise<ServerSentEvent | null> {
    while (queue.length === 0 && !done) {
      pending ??= reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">(
        (resolve) => (timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()))),
      );
      const chunk = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (chunk === "timeout") throw new Error("no event before the deadline");
      pending = null;
      if (chunk.done) done = true;
      else queue.push(...parser.push(decoder.decode(chunk.value, { stream: true })));
    }
    return queue.shift() ?? null;
  }

  return {
    async until(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const event = await next(deadline);
        if (!event || event.type === type) return event;
      }
    },
    async ended(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (await next(deadline));
      return true;
    },
    close: () => reader.cancel(),
  };
}
