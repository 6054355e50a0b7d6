// HTTP/1.1 over a bare socket, for tests that must control when each byte of a request body goes
// out (fetch sends the whole body on its own schedule): a body sent in part, trickled, or never.
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  socket: Socket;
  /** Resolves with the response as soon as it has fully arrived, whatever the request body's state. */
  response: Promise<RawResponse>;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
  /** Request body bytes written so far. */
  sent(): number;
  write(chunk: string): void;
}

function parse(buffer: Buffer): RawResponse | null {
  const end = buffer.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine, ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(":")).trim().toLowerCase(),
      line.slice(line.indexOf(":") + 1).trim(),
    ]),
  );
  const rest = buffer.subarray(end + 4);
  let body: Buffer;
  if (headers["transfer-encoding"] === "chunked") {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n", at);
      if (lineEnd < 0) return null;
      const size = parseInt(rest.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) break;
      if (rest.length < lineEnd + 2 + size + 2) return null;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(chunks);
  } else {
    const length = Number(headers["content-length"] ?? 0);
    if (rest.length < length) return null;
    body = rest.subarray(0, length);
  }
  return { status: Number(statusLine!.split(" ")[1]), headers, body: body.toString("utf8") };
}

/** Opens a connection, sends the request head (which should declare the body's length or chunking) and `firstBodyBytes`. */
export function startRawRequest(baseUrl: string, head: string, firstBodyBytes = ""): RawExchange {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  let sent = 0;
  let received = Buffer.alloc(0);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const response = new Promise<RawResponse>((resolve, reject) => {
    socket.on("data", (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const parsed = parse(received);
      if (parsed) resolve(parsed);
    });
    socket.on("error", reject);
    socket.once("close", () =>
      reject(new Error(`connection closed before a full response: ${received.toString("latin1").slice(0, 200)}`)),
    );
  });
  const write = (chunk: string) => {
    if (socket.destroyed || socket.writableEnded) return;
    sent += Buffer.byteLength(chunk);
    socket.write(chunk);
  };
  socket.write(head.replace(/\r?\n/g, "\r\n").replace(/(\r\n)*$/, "\r\n\r\n"));
  if (firstBodyBytes) write(firstBodyBytes);
  return { socket, response, closed, sent: () => sent, write };
}
