// Events the tracker sends by itself that are not visitor interactions (so they neither prevent a
// bounce nor appear as "custom events"). Kept apart from the SQL so client code can import it.
export const PASSIVE_EVENTS = ["pageview", "session_start", "page_leave", "scroll"];
