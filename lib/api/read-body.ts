// Reads request bodies within a byte limit and a time limit: 415 for other media types, 413 past the
// size, 408 when the body is slower than LUMEN_BODY_TIMEOUT_SECONDS, 400 if malformed. Every API
// route that takes a body reads it here, so none of them can be held open by a trickling sender.
import { getEnv } from "../env";
import { ApiError } from "../errors";

const jsonMediaTypes: ReadonlySet<string> = new Set(["application/json", "text/plain"]);

export interface BodyOptions {
  /** Media types accepted (default: application/json, and text/plain holding JSON). */
  mediaTypes?: ReadonlySet<string>;
  /** When the whole body must have arrived, in performance.now() milliseconds (default: the configured timeout from now). */
  deadline?: number;
}

// Sent with every refusal that leaves part of the body unread: the connection is closed rather
// than kept for a sender that may still be sending (or trickling) the rest.
const CLOSE = { connection: "close" };

const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** A request body read incrementally: a caller may look at its first byte before deciding to read the rest. */
export class BodyReader {
  private readonly chunks: Uint8Array[] = [];
  private received = 0;
  private ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  private constructor(
    body: ReadableStream<Uint8Array>,
    private readonly maxBytes: number,
    private readonly deadline: number,
  ) {
    this.reader = body.getReader();
  }

  /** Checks what the headers say (media type, declared length) without reading anything. */
  static open(request: Request, maxBytes: number, options: BodyOptions = {}): BodyReader {
    const mediaTypes = options.mediaTypes ?? jsonMediaTypes;
    const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (!mediaType || !mediaTypes.has(mediaType)) {
      const accepted =
        mediaTypes === jsonMediaTypes ? "application/json (or text/plain holding JSON)" : [...mediaTypes].join(" or ");
      throw new ApiError(
        "unsupported_media_type",
        `Send the body as ${accepted}, not ${mediaType ?? "no content type"}`,
        undefined,
        CLOSE,
      );
    }
    if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge(maxBytes);
    if (!request.body) throw emptyBody();
    const deadline = options.deadline ?? performance.now() + getEnv().LUMEN_BODY_TIMEOUT_SECONDS * 1000;
    return new BodyReader(request.body, maxBytes, deadline);
  }

  /** The first byte that is not JSON whitespace, reading only until it has arrived; null for a blank body. */
  async firstSignificantByte(): Promise<number | null> {
    for (let index = 0; ; ) {
      for (; index < this.chunks.length; index++) {
        const byte = this.chunks[index]!.find((b) => !JSON_WHITESPACE.has(b));
        if (byte !== undefined) return byte;
      }
      if (this.ended) return null;
      await this.readChunk();
    }
  }

  /** The whole body as text; 400 when it is blank, unless allowed. */
  async text({ allowBlank = false } = {}): Promise<string> {
    while (!this.ended) await this.readChunk();
    const text = Buffer.concat(this.chunks).toString("utf8");
    if (!allowBlank && !text.trim()) throw emptyBody();
    return text;
  }

  private async readChunk(): Promise<void> {
    const remaining = this.deadline - performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">(
      (resolve) => (timer = setTimeout(() => resolve("timeout"), Math.max(0, remaining))),
    );
    let result: ReadableStreamReadResult<Uint8Array> | "timeout";
    try {
      result = await Promise.race([this.reader.read(), timedOut]);
    } catch {
      throw new ApiError("invalid_request", "The request body could not be read to its end");
    } finally {
      clearTimeout(timer);
    }
    if (result === "timeout") {
      this.reader.cancel().catch(() => undefined);
      const seconds = Math.round(getEnv().LUMEN_BODY_TIMEOUT_SECONDS * 10) / 10;
      throw new ApiError("request_timeout", `The request body did not arrive within ${seconds} s`, undefined, CLOSE);
    }
    if (result.done) {
      this.ended = true;
      return;
    }
    this.received += result.value.byteLength;
    if (this.received > this.maxBytes) {
      this.reader.cancel().catch(() => undefined);
      throw tooLarge(this.maxBytes);
    }
    this.chunks.push(result.value);
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `The body must be at most ${maxBytes} bytes`, undefined, CLOSE);
}

function emptyBody(): ApiError {
  return new ApiError("invalid_request", "The body is empty");
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  return parseJson(await readBodyText(request, maxBytes));
}

/** The body's text, checked for media type, size and time like readJsonBody, for callers that parse it themselves. */
export async function readBodyText(request: Request, maxBytes: number, options: BodyOptions = {}): Promise<string> {
  return BodyReader.open(request, maxBytes, options).text();
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      "invalid_request",
      `Malformed JSON: ${error instanceof SyntaxError ? error.message : "could not parse"}`,
    );
  }
}
