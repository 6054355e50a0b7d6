"use client";
// The embed's live data: the server-rendered snapshot first, then the embed's one server-sent events
// stream. The stream may end by saying why ("expired", "revoked"); when it fails, the data endpoint
// says why: an expired token or a refusal ends the feed (and is reported); otherwise the stream is
// reopened with backoff, passing the version the page has (so an unchanged snapshot is not resent).
// Without EventSource, or after repeated failures, the page polls the data endpoint instead.
import { useCallback, useEffect, useRef, useState } from "react";
import { backoffDelay } from "@/lib/backoff";
import { choicesKey } from "@/lib/embed/choices";
import type { ViewerChoices } from "@/lib/embed/schemas";
import { type Answer, embedApiUrl, fetchSnapshot, type Snapshot } from "./embed-api";

const POLL_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;
/** Consecutive stream failures before polling takes over. */
const STREAM_ATTEMPTS = 4;

/** The wait after `failures` consecutive failures (1 for the first). */
const backoff = (failures: number) => backoffDelay(failures - 1, { baseMs: 2_000, maxMs: MAX_BACKOFF_MS });

type Failure = Extract<Answer<unknown>, { ok: false }>;

interface FeedOptions {
  token: string;
  choices: ViewerChoices;
  initial: Snapshot;
  /** False once the token has expired: the feed closes until a new token arrives. */
  enabled: boolean;
  onExpired: () => void;
  onFailure: (failure: Failure) => void;
}

export function useEmbedFeed({ token, choices, initial, enabled, onExpired, onFailure }: FeedOptions) {
  const [snapshot, setSnapshot] = useState(initial);
  const [mode, setMode] = useState<"stream" | "polling">("stream");
  const key = `${token}?${choicesKey(choices)}`;
  // Which (token, choices) the shown snapshot answers, and its version: a change of either needs fresh data.
  const shown = useRef({ key, version: initial.version });
  const [loading, setLoading] = useState(false);
  const handlers = useRef({ onExpired, onFailure });
  const latest = useRef({ token, choices });
  useEffect(() => {
    handlers.current = { onExpired, onFailure };
    latest.current = { token, choices };
  });

  const show = useCallback((next: Snapshot, forKey: string) => {
    shown.current = { key: forKey, version: next.version };
    setSnapshot(next);
    setLoading(false);
  }, []);

  /** Sorts a failed read: true when the feed should stop. */
  const stopsFeed = useCallback((failure: Failure) => {
    if (failure.expired) handlers.current.onExpired();
    else if (failure.final) handlers.current.onFailure(failure);
    return failure.expired || failure.final;
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the value identity of (token, choices); the choices object is new on every render.
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const current = shown.current.key === key;
    if (!current) setLoading(true);
    let version = current ? shown.current.version : null;

    const poll = (delay: number) => {
      timer = setTimeout(async () => {
        const answer = await fetchSnapshot(token, choices);
        if (stopped) return;
        if (answer.ok) {
          failures = 0;
          show(answer.value, key);
        } else if (stopsFeed(answer)) return;
        else failures++;
        poll(answer.ok ? POLL_MS : backoff(failures));
      }, delay);
    };

    const startPolling = () => {
      setMode("polling");
      poll(shown.current.key === key ? POLL_MS : 0);
    };

    const connect = () => {
      source = new EventSource(embedApiUrl(token, "/stream", choices, version ? { last_event_id: version } : {}));
      source.addEventListener("data", (event) => {
        failures = 0;
        version = event.lastEventId || null;
        show({ version, widgets: (JSON.parse(event.data) as Pick<Snapshot, "widgets">).widgets }, key);
      });
      source.addEventListener("expired", () => {
        stop();
        handlers.current.onExpired();
      });
      // Revoked (or its secret rotated away) while open: the server ends the stream and says why.
      source.addEventListener("revoked", (event) => {
        stop();
        const { message } = JSON.parse(event.data) as { message?: string };
        handlers.current.onFailure({
          ok: false,
          status: 403,
          code: "forbidden",
          message: message ?? "This embed link has been revoked.",
          expired: false,
          final: true,
        });
      });
      source.onerror = () => {
        source?.close();
        source = null;
        failures++;
        void diagnose();
      };
    };

    // Why did the stream fail? The data endpoint answers with a status (EventSource cannot), and with data.
    const diagnose = async () => {
      const answer = await fetchSnapshot(token, choices);
      if (stopped) return;
      if (answer.ok) {
        version = answer.value.version;
        show(answer.value, key);
      } else if (stopsFeed(answer)) return;
      if (failures >= STREAM_ATTEMPTS) startPolling();
      else timer = setTimeout(connect, backoff(failures));
    };

    const stop = () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };

    setMode("stream");
    if (typeof EventSource === "undefined") startPolling();
    else connect();
    return stop;
  }, [key, enabled, show, stopsFeed]); // `key` stands for token and choices

  /** Reads the data now (the host's "refresh"); resolves to the failure, if any. */
  const refresh = useCallback(async (): Promise<Failure | null> => {
    const { token: t, choices: c } = latest.current;
    const answer = await fetchSnapshot(t, c);
    if (answer.ok) {
      show(answer.value, `${t}?${choicesKey(c)}`);
      return null;
    }
    if (answer.expired) handlers.current.onExpired();
    return answer;
  }, [show]);

  return { widgets: snapshot.widgets, loading, mode, refresh };
}
