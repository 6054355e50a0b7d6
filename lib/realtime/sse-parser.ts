// Reads a text/event-stream incrementally, as the HTML standard defines it: events end at a blank
// line, `data:` lines join with "\n", `:` starts a comment (heartbeats), `id:` and `retry:` persist.
// Pure, so the browser hook and the benchmark's thousand viewers share one tested parser.

export interface ServerSentEvent {
  type: string;
  data: string;
  /** The last event id seen so far, as a reconnecting client sends it back in Last-Event-ID. */
  lastEventId: string;
}

const lineEnd = /\r\n|\r|\n/;

export class SseParser {
  private buffer = "";
  private type = "";
  private data: string[] = [];
  lastEventId = "";
  /** The reconnection delay the server asked for, if it did. */
  retryMs: number | undefined;

  /** Feeds decoded text (any chunking); returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = lineEnd.exec(this.buffer);
      // A trailing "\r" may be the first half of "\r\n": wait for the next chunk to decide.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.readLine(line);
      if (event) events.push(event);
    }
    return events;
  }

  private readLine(line: string): ServerSentEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const type = this.type || "message";
    const data = this.data;
    this.type = "";
    this.data = [];
    // A block without data lines (e.g. only `retry:`) dispatches nothing.
    if (data.length === 0) return undefined;
    return { type, data: data.join("\n"), lastEventId: this.lastEventId };
  }
}
