// The server-sent events stream of one embed page: every widget in one stream. Event ids are data
// versions, so a viewer that reconnects with Last-Event-ID is sent data only if it changed meanwhile,
// and a tick that changed nothing this feed shows sends nothing. The stream lasts only as long as
// its token is accepted: it ends with "expired" at the token's expiry (or the end of its secret's
// grace period), and with "revoked" as soon as a revocation or rotation anywhere withdraws it.
import { log } from "../log";
import { setLongTimeout } from "../long-timeout";
import { getAccessWatch } from "../realtime/access-watch";
import { openFeedStream, type StreamEnd } from "../realtime/sse";
import { type EmbedSnapshot, loadEmbedSnapshot } from "./embed-data";
import { verifyEmbedRequest } from "./embed-request";
import { feedKey, holdChoiceSet } from "./feed-budget";
import type { ViewerChoices } from "./schemas";
import { EmbedTokenError, type VerifiedEmbed, verifyEmbedToken } from "./tokens";

export interface EmbedStreamOptions {
  choices: ViewerChoices;
  /** The version the viewer already has (Last-Event-ID). */
  lastEventId?: string | null;
  signal: AbortSignal;
  /** AccessWatch.mark() from before the token was verified: a withdrawal since then is not missed. */
  accessMark?: number;
}

const EXPIRED: StreamEnd = { event: "expired" };

/** How a stream ends when its token is no longer accepted: "expired" lets the host page renew it. */
function endFor(error: EmbedTokenError): StreamEnd {
  return error.reason === "expired"
    ? EXPIRED
    : { event: "revoked", data: { reason: error.reason, message: error.message } };
}

/**
 * The embed's feed as a server-sent events stream (lib/realtime/sse): the first snapshot is shared
 * by viewers arriving together, and a failed first read rejects (the route answers with an error
 * status). While open, the stream holds its choice set in the token's feed budget.
 */
export async function embedStream(
  embed: VerifiedEmbed,
  { choices, lastEventId, signal, accessMark }: EmbedStreamOptions,
): Promise<ReadableStream<Uint8Array>> {
  const release = holdChoiceSet(embed, choices);
  const watch = getAccessWatch();
  const since = accessMark ?? watch.mark();
  let endStream!: (end: StreamEnd) => void;
  const ended = new Promise<StreamEnd>((resolve) => (endStream = resolve));
  let cancelExpiry: (() => void) | undefined;
  const expireAt = (at: Date | null) => {
    cancelExpiry?.();
    cancelExpiry = at
      ? setLongTimeout(() => endStream(EXPIRED), at.getTime() - Date.now(), { unref: true })
      : undefined;
  };
  expireAt(embed.expiresAt);
  const unwatch = watch.watch(
    { projectId: embed.projectId, key: embed.token, jti: embed.jti, check: () => verifyEmbedToken(embed.token) },
    since,
    (outcome) => {
      // Still accepted, perhaps until another time (a rotation put its secret in a grace period).
      if (outcome.ok) expireAt(outcome.value.expiresAt);
      else if (outcome.error instanceof EmbedTokenError) endStream(endFor(outcome.error));
      else
        log.warn("embed stream re-authorisation failed", {
          error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
        });
    },
  );
  const cleanUp = () => {
    cancelExpiry?.();
    unwatch();
    release();
  };
  try {
    return await openFeedStream(
      { key: feedKey(embed, choices), projectId: embed.projectId, compute: () => loadEmbedSnapshot(embed, choices) },
      {
        signal,
        lastEventId,
        serialize: (snapshot: EmbedSnapshot) => ({ id: snapshot.version, data: snapshot.json }),
        end: ended,
        onClose: cleanUp,
      },
    );
  } catch (error) {
    cleanUp();
    throw error;
  }
}

/** GET /api/v1/embed/{token}/stream: verified, choices read strictly, then the stream. */
export async function openEmbedStream(request: Request, token: string): Promise<ReadableStream<Uint8Array>> {
  const accessMark = getAccessWatch().mark();
  const { embed, choices, url } = await verifyEmbedRequest(request, token);
  // EventSource resends the last id as a header on its own reconnects; the page's own reconnects (with backoff) use the parameter.
  const lastEventId = (request.headers.get("last-event-id") ?? url.searchParams.get("last_event_id"))?.slice(0, 64);
  return embedStream(embed, { choices, lastEventId, signal: request.signal, accessMark });
}
