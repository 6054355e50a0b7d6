// Reads a JSON request body within a byte limit: 415 for other media types, 413 past the limit, 400 if malformed.
import { ApiError } from "../errors";

const acceptedMediaTypes = new Set(["application/json", "text/plain"]);

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  return parseJson(await readBodyText(request, maxBytes));
}

/** The body's text, checked for media type and size like readJsonBody, for callers that parse it themselves. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const mediaType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (!mediaType || !acceptedMediaTypes.has(mediaType)) {
    throw new ApiError("unsupported_media_type", `Send the body as application/json (or text/plain holding JSON), not ${mediaType ?? "no content type"}`);
  }
  const tooLarge = () => new ApiError("payload_too_large", `The body must be at most ${maxBytes} bytes`);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) throw new ApiError("invalid_request", "The body is empty");

  // The declared length can be absent or wrong (chunked uploads): count what actually arrives.
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new ApiError("invalid_request", "The body is empty");
  return text;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_request", `Malformed JSON: ${error instanceof SyntaxError ? error.message : "could not parse"}`);
  }
}
