// Real local receivers for alert notifications: an HTTP server that records every webhook and Slack
// request (raw body and headers, so a test can verify signatures), and an SMTP server (smtp-server)
// that records every message. Tests and bench/alerts.ts start them on free ports.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  receivedAt: number;
}

export interface ReceivedMail {
  to: string[];
  raw: string;
  receivedAt: number;
}

export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly listeners = new Set<(request: ReceivedRequest) => void>();
  /** Paths answered with this status instead of 200 (a failing receiver). */
  readonly failing = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<HttpReceiver> {
    let receiver: HttpReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        let json: unknown = null;
        try {
          json = JSON.parse(body);
        } catch {
          // recorded as it came
        }
        const received = { path: request.url ?? "/", headers: request.headers, body, json, receivedAt: Date.now() };
        receiver?.requests.push(received);
        for (const listener of receiver?.listeners ?? []) listener(received);
        response.statusCode = receiver?.failing.get(received.path) ?? 200;
        response.end("ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    receiver = new HttpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  /** Calls `listener` with every request from now on; returns a function that stops it. */
  onRequest(listener: (request: ReceivedRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class SmtpReceiver {
  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
    readonly mails: ReceivedMail[],
  ) {}

  static async start(): Promise<SmtpReceiver> {
    const mails: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on localhost: no certificate to trust.
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          mails.push({
            to: session.envelope.rcptTo.map((address) => address.address),
            raw: Buffer.concat(chunks).toString("utf8"),
            receivedAt: Date.now(),
          });
          callback();
        });
      },
    });
    server.listen(0, "127.0.0.1");
    await once(server.server, "listening");
    return new SmtpReceiver(server, `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, mails);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
