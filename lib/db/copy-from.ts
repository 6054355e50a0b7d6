// `COPY ... FROM STDIN` over a plain pg client, without pg-copy-streams (not a dependency).
//
// pg accepts any object with a `submit(connection)` method as a query (its documented "Submittable"
// extension point, the one pg-cursor and pg-copy-streams use). When the server answers the COPY
// with CopyInResponse, pg calls `handleCopyInResponse(connection)`; we then stream the data with the
// connection's own CopyData / CopyDone messages (sendCopyFromChunk / endCopyFrom), honouring socket
// back-pressure, and resolve on CommandComplete ("COPY <n>") + ReadyForQuery: copyFrom, for loads
// of any size. runCopyScript instead sends small data (an ingestion batch, at most the 1 MB body
// limit's worth) in the same write as its script, without waiting for the server's answer.
//
// Pinned, exactly: pg 8.23.1 (README, "Pinned dependencies"). Submittable is public, but what is done
// with the connection is not: its sendCopyFromChunk / endCopyFrom / sendCopyFail and query(text)
// methods, its socket (`stream`, corked around a script and its data), and the set of handle*
// callbacks pg invokes on the active query. A connection lacking those methods fails the query with
// a message naming them (lib/db/library-internals.ts); lib/db/copy-from.test.ts COPYs rows through
// both paths and reads them back, so an upgrade that changes the rest fails there.
import "server-only";
import type pg from "pg";
import { internalsChanged, missingMembers } from "./library-internals";

interface CopyConnection extends pg.Connection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/** What this module calls on pg's connection and its socket. */
export const COPY_CONNECTION_MEMBERS = ["query", "sendCopyFromChunk", "endCopyFrom", "sendCopyFail"] as const;
export const COPY_SOCKET_MEMBERS = ["cork", "uncork", "once"] as const;

/** pg fails a query whose submit() returns an error: this one names what the installed pg lacks. */
function checkConnection(connection: pg.Connection): Error | undefined {
  const missing = [
    ...missingMembers(connection, COPY_CONNECTION_MEMBERS),
    ...missingMembers(connection.stream, COPY_SOCKET_MEMBERS).map((member) => `stream.${member}`),
  ];
  return missing.length > 0 ? internalsChanged("pg's Connection", missing, "lib/db/copy-from.ts") : undefined;
}

class CopyFromStdin implements pg.Submittable {
  private rowCount: number | null = null;
  private failed = false;
  readonly done: Promise<number>;
  private settle!: { resolve: (rows: number) => void; reject: (error: Error) => void };

  constructor(
    private readonly text: string,
    private readonly chunks: Iterable<Buffer>,
  ) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  submit(connection: pg.Connection): Error | undefined {
    const unusable = checkConnection(connection);
    if (unusable) return unusable;
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    void this.stream(connection);
  }

  private async stream(connection: CopyConnection): Promise<void> {
    const socket = connection.stream;
    try {
      for (const chunk of this.chunks) {
        if (this.failed) return;
        connection.sendCopyFromChunk(chunk);
        if (socket.writableNeedDrain) await new Promise((resolve) => socket.once("drain", resolve));
      }
      connection.endCopyFrom();
    } catch (error) {
      connection.sendCopyFail(error instanceof Error ? error.message : String(error));
    }
  }

  handleCommandComplete(message: { text: string }): void {
    const match = /^COPY (\d+)/.exec(message.text);
    this.rowCount = match ? Number(match[1]) : 0;
  }

  // pg forgets the active query when an ErrorResponse arrives, so no ReadyForQuery follows for us.
  handleError(error: Error): void {
    this.failed = true;
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    this.settle.resolve(this.rowCount ?? 0);
  }

  // Messages a COPY FROM never receives; present because pg may call any of them on the active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY <target> FROM STDIN ...` with the given data chunks; resolves to the rows the server loaded. */
export function copyFrom(client: pg.Client, sql: string, chunks: Iterable<Buffer>): Promise<number> {
  const copy = new CopyFromStdin(sql, chunks);
  client.query(copy);
  return copy.done;
}

/**
 * A simple-protocol script whose `COPY … FROM STDIN` statements take `copies` in order, sent in the
 * same write as the script: `BEGIN; COPY …; COPY …; COMMIT` costs one round trip instead of one per
 * statement. Pipelining the data is safe: when a statement fails, PostgreSQL skips the rest of the
 * script and ignores the CopyData that follows (protocol, "COPY Operations").
 */
class CopyScript implements pg.Submittable {
  readonly tags: string[] = [];
  readonly done: Promise<{ tags: string[]; error: Error | null }>;
  private settle!: (outcome: { tags: string[]; error: Error | null }) => void;

  constructor(
    private readonly text: string,
    private readonly copies: Buffer[],
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  submit(connection: pg.Connection): Error | undefined {
    const unusable = checkConnection(connection);
    if (unusable) return unusable;
    const copy = connection as CopyConnection;
    connection.stream.cork();
    connection.query(this.text);
    for (const data of this.copies) {
      copy.sendCopyFromChunk(data);
      copy.endCopyFrom();
    }
    connection.stream.uncork();
  }

  handleCommandComplete(message: { text: string }): void {
    this.tags.push(message.text);
  }

  handleError(error: Error): void {
    this.settle({ tags: this.tags, error });
  }

  handleReadyForQuery(): void {
    this.settle({ tags: this.tags, error: null });
  }

  // The data went with the script; the rest are messages a script of COPYs and a SELECT may get.
  handleCopyInResponse(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/**
 * Runs a script of statements separated by semicolons (no parameters: only trusted literals), giving
 * its COPY … FROM STDIN statements `copies` in order. Resolves, never rejects, to the command tags
 * of the statements that completed and the error that stopped the script, if any.
 */
export function runCopyScript(
  client: pg.Client,
  text: string,
  copies: Buffer[],
): Promise<{ tags: string[]; error: Error | null }> {
  const script = new CopyScript(text, copies);
  client.query(script);
  return script.done;
}
