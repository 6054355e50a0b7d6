// The timeline's cursor and paging parameters: a cursor is the (timestamp, event id) of the last
// event shown, base64url JSON, opaque to clients. Server side (Buffer).
import { z } from "zod";
import { TIMELINE_MAX_LIMIT } from "./schemas";

/** A position in a person's timeline: the (timestamp, event id) of the last event shown, opaque to clients. */
export interface TimelineCursor {
  timestamp: string;
  eventId: string;
}

const cursorPayload = z.object({ t: z.iso.datetime(), id: z.uuid() });

export function encodeCursor(cursor: TimelineCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.timestamp, id: cursor.eventId })).toString("base64url");
}

/** The cursor a page returned, or undefined for anything else. */
export function decodeCursor(text: string): TimelineCursor | undefined {
  try {
    const parsed = cursorPayload.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return { timestamp: parsed.t, eventId: parsed.id };
  } catch {
    return undefined;
  }
}

const cursorSchema = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const cursor = decodeCursor(text);
    if (cursor) return cursor;
    ctx.addIssue({ code: "custom", message: "is not a cursor this API returned" });
    return z.NEVER;
  });

export const timelineQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(TIMELINE_MAX_LIMIT).default(50),
  cursor: cursorSchema.optional(),
});
