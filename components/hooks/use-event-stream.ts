"use client";
// One server-sent events stream, read over fetch rather than EventSource so that reconnecting is
// ours to pace: after a drop it waits (the server's `retry:` doubled per failure, up to 30 s, with
// jitter so a restarted server is not hit by every tab at once) and resumes with Last-Event-ID.
// 401/403/404 end it for good: retrying cannot fix them.
import { useEffect, useRef, useState } from "react";
import { backoffDelay } from "@/lib/backoff";
import { type ServerSentEvent, SseParser } from "@/lib/realtime/sse-parser";

export type StreamStatus = "connecting" | "open" | "retrying" | "closed";

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
const FINAL_STATUSES = [401, 403, 404];

export function useEventStream(url: string, onEvent: (event: ServerSentEvent) => void): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });

  useEffect(() => {
    const abort = new AbortController();
    let lastEventId = "";
    let retryMs = FIRST_RETRY_MS;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function connect(): Promise<void> {
      setStatus("connecting");
      try {
        const response = await fetch(url, {
          headers: { accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
          cache: "no-store",
          credentials: "same-origin",
          signal: abort.signal,
        });
        if (FINAL_STATUSES.includes(response.status)) return setStatus("closed");
        if (response.ok && response.body) {
          setStatus("open");
          const parser = new SseParser();
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
            for (const event of parser.push(chunk.value)) {
              // Only a stream that delivers resets the backoff, not one that opens and drops.
              failures = 0;
              lastEventId = event.lastEventId;
              handler.current(event);
            }
            retryMs = parser.retryMs ?? retryMs;
          }
        }
      } catch {
        // Network error or a dropped stream: retried below, unless we are unmounting.
      }
      if (abort.signal.aborted) return;
      const delay = backoffDelay(failures, { baseMs: retryMs, maxMs: MAX_RETRY_MS });
      failures++;
      setStatus("retrying");
      timer = setTimeout(() => void connect(), delay);
    }

    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [url]);

  return status;
}
