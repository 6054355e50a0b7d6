// A person's sessions from their events, by the query engine's rule (lib/query/sessions.ts): events
// carrying the client's session id form that session; events without one are sessionised among
// themselves, a new session starting after 30 minutes without such an event.
import type { PersonSession } from "./schemas";

const SESSION_GAP_MS = 30 * 60_000;

export interface SessionEvent {
  name: string;
  timestamp: Date;
  session_id: string | null;
  path: string | null;
}

/** Sessions newest first (by their start); `events` in any order. */
export function sessionsOf(events: readonly SessionEvent[]): PersonSession[] {
  const oldestFirst = [...events].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  const groups = new Map<string, SessionEvent[]>();
  let gapSession = 0;
  let lastIdless: number | undefined;
  for (const event of oldestFirst) {
    let key: string;
    if (event.session_id !== null) key = `s:${event.session_id}`;
    else {
      const at = event.timestamp.getTime();
      if (lastIdless === undefined || at - lastIdless > SESSION_GAP_MS) gapSession++;
      lastIdless = at;
      key = `a:${gapSession}`;
    }
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.values()]
    .map((group) => {
      const first = group[0]!;
      const last = group[group.length - 1]!;
      return {
        session_id: first.session_id,
        started_at: first.timestamp.toISOString(),
        ended_at: last.timestamp.toISOString(),
        events: group.length,
        pageviews: group.filter((e) => e.name === "pageview").length,
        entry_path: group.find((e) => e.path !== null)?.path ?? null,
        exit_path: group.findLast((e) => e.path !== null)?.path ?? null,
      };
    })
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
}
