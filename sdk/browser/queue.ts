// The outgoing queue: batched by size and time, sent with fetch(keepalive), which outlives the page
// when it is going away; mirrored in localStorage so events survive offline periods and page loads.
// Every event carries its event_id, so the server drops any event that arrives twice.
import { endpoint, writeKey } from "./config";
import { consent, trackingAllowed } from "./identity";
import { saveSession } from "./session";
import { item } from "./storage";
import type { WireEvent } from "./types";

// Literals below rather than named constants, which esbuild keeps as variables: bytes the budget lacks.
// A batch is 20 events, a partial one waits 2 s, and the queue keeps the latest 200.

let queue: WireEvent[] = JSON.parse(item("queue") || "[]");
let failures = 0;
let retryAt = 0;
// biome-ignore lint/correctness/noUnusedVariables: read by `||=` in schedule(); Biome misses compound reads.
let timer: ReturnType<typeof setTimeout> | 0 = 0;

// setTimeout runs a delay past 2^31-1 ms at once, so a huge Retry-After would spin: wait at most
// 2e9 ms at a time; flush() then finds retryAt still ahead and waits again.
function schedule(ms: number): void {
  timer ||= setTimeout(
    () => {
      timer = 0;
      flush();
    },
    Math.min(ms, 2e9),
  );
}

function save(): void {
  item("queue", JSON.stringify(queue));
  saveSession();
}

export function enqueue(event: WireEvent): void {
  if (queue.push(event) > 200) queue.shift();
  // A full batch goes at the next turn of the event loop, not inside track(). Exactly at the batch
  // size, so that a queue growing while the server is failing does not reschedule on every event.
  if (queue.length == 20) setTimeout(flush);
  else schedule(2000);
}

/** Sends the oldest batch, then (soon) the next. On pagehide the keepalive request outlives the page. */
export async function flush(): Promise<void> {
  // Denied or Do Not Track keeps nothing but consent decisions; pending consent keeps events in memory only.
  if (!trackingAllowed()) queue = queue.filter((event) => event.consent);
  if (consent == "pending") return;
  // Nothing goes out while backing off; the queue waits in storage, for this page or the next.
  const batch = retryAt > Date.now() ? [] : queue.splice(0, 20);
  save();
  if (batch[0])
    try {
      // A string body goes out as text/plain: a "simple" request, so no CORS preflight.
      const body = JSON.stringify({ api_key: writeKey, sent_at: Date.now(), events: batch });
      const response = await fetch(endpoint, { method: "POST", body, keepalive: true });
      // 429 and 5xx may pass; any other answer (even a 4xx: bad key, invalid event) is final. `*` makes
      // the header a number (no header: 0, so the backoff below) in fewer bytes than Number().
      if (response.status == 429 || response.status > 499)
        throw (response.headers.get("retry-after") as unknown as number) * 1000;
      failures = 0;
    } catch (retryAfterMs) {
      // Network errors (offline too) land here, as NaN. Exponential backoff, 1-2 s, 2-4 s... up to 32-64 s, with
      // jitter so that clients cut off together do not all come back together: lib/backoff.ts's curve
      // (base 2 s, largest step 64 s), written out here because importing it would cost bytes the
      // tracker's 2,000-byte budget does not have.
      retryAt = Date.now() + (+(retryAfterMs as number) || ((1 + Math.random()) * 1000) << Math.min(failures++, 5));
      queue.unshift(...batch);
      save();
    }
  if (queue[0]) schedule(retryAt - Date.now());
}
