import { describe, expect, it } from "vitest";
import { sessionsOf } from "./person-sessions";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 10, 0) + minute * 60_000);
const event = (
  minute: number,
  sessionId: string | null = null,
  name = "pageview",
  path: string | null = `/m${minute}`,
) => ({
  name,
  timestamp: at(minute),
  session_id: sessionId,
  path,
});

describe("sessionsOf", () => {
  it("splits id-less events after 30 minutes without one, and not at exactly 30", () => {
    const sessions = sessionsOf([event(0), event(30), event(61, null, "click", null), event(70)]);
    expect(sessions).toEqual([
      {
        session_id: null,
        started_at: at(61).toISOString(),
        ended_at: at(70).toISOString(),
        events: 2,
        pageviews: 1,
        entry_path: "/m70",
        exit_path: "/m70",
      },
      {
        session_id: null,
        started_at: at(0).toISOString(),
        ended_at: at(30).toISOString(),
        events: 2,
        pageviews: 2,
        entry_path: "/m0",
        exit_path: "/m30",
      },
    ]);
  });

  it("keeps a client session id together whatever the gaps, apart from id-less events", () => {
    const sessions = sessionsOf([event(0, "s1"), event(5), event(200, "s1"), event(10)]);
    expect(sessions.map((s) => [s.session_id, s.events, s.started_at])).toEqual([
      [null, 2, at(5).toISOString()],
      ["s1", 2, at(0).toISOString()],
    ]);
  });
});
