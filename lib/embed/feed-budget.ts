// Bounds the live-update work one embed token can cause on a process: each distinct choice set (a
// range and filters: one feed the hub recomputes on every change) costs queries, so one token may
// have at most LUMEN_EMBED_MAX_FEEDS_PER_TOKEN of them at once. An open stream holds its choice set
// while it is open; a one-off read (the page, data, values, CSV) holds it for RECENT_MS, since a
// page that polls asks again every few seconds. One more choice set is a 429 with Retry-After.
import { getEnv } from "../env";
import { ApiError } from "../errors";
import { effectiveParams } from "./embed-data";
import type { ViewerChoices } from "./schemas";
import type { VerifiedEmbed } from "./tokens";

/** How long a one-off read holds its choice set: longer than the embed's 5 s polling interval. */
export const RECENT_MS = 15_000;

/** Viewers of the same resource with the same locks and the same choices see the same data, so they share one feed. */
export function feedKey(embed: VerifiedEmbed, choices: ViewerChoices): string {
  // Every lock is in the key: two tokens of one resource locked to different segments share nothing.
  const { range, filters, timezone, compare, segment } = effectiveParams(embed, choices);
  return JSON.stringify([
    "embed",
    embed.projectId,
    embed.claims.resource,
    range ?? null,
    filters,
    timezone ?? null,
    compare,
    segment ?? null,
  ]);
}

/** One token: its signature, which no other token shares. */
function tokenKey(embed: VerifiedEmbed): string {
  return embed.token.slice(embed.token.lastIndexOf(".") + 1);
}

interface Claim {
  streams: number;
  /** Held by one-off reads until then. */
  until: number;
}

export class FeedBudget {
  private readonly tokens = new Map<string, Map<string, Claim>>();

  constructor(
    private readonly maxPerToken: number,
    private readonly recentMs = RECENT_MS,
  ) {}

  /** A one-off read of this choice set; throws a 429 when it would be one too many for the token. */
  read(token: string, choiceSet: string, now = Date.now()): void {
    const claim = this.claim(token, choiceSet, now);
    claim.until = Math.max(claim.until, now + this.recentMs);
  }

  /** Holds the choice set while a stream is open; returns the release. */
  hold(token: string, choiceSet: string, now = Date.now()): (now?: number) => void {
    const claim = this.claim(token, choiceSet, now);
    claim.streams++;
    let released = false;
    return (at = Date.now()) => {
      if (released) return;
      released = true;
      claim.streams--;
      this.prune(token, at);
    };
  }

  /** Tokens with a choice set held (memory stays bounded by what is in use). */
  size(): number {
    return this.tokens.size;
  }

  private claim(token: string, choiceSet: string, now: number): Claim {
    const claims = this.prune(token, now) ?? new Map<string, Claim>();
    this.tokens.set(token, claims);
    let claim = claims.get(choiceSet);
    if (claim) return claim;
    if (claims.size >= this.maxPerToken) {
      const freed = Math.min(...[...claims.values()].filter((c) => c.streams === 0).map((c) => c.until));
      const retryAfter = Number.isFinite(freed)
        ? Math.max(1, Math.ceil((freed - now) / 1000))
        : Math.ceil(this.recentMs / 1000);
      throw new ApiError(
        "rate_limited",
        `This embed already has ${this.maxPerToken} different views open (ranges and filters); close one or retry later`,
        [{ path: "token", message: `at most ${this.maxPerToken} distinct choice sets at once` }],
        { "retry-after": String(retryAfter) },
      );
    }
    claim = { streams: 0, until: 0 };
    claims.set(choiceSet, claim);
    return claim;
  }

  private prune(token: string, now: number): Map<string, Claim> | undefined {
    const claims = this.tokens.get(token);
    if (!claims) return undefined;
    for (const [key, claim] of claims) if (claim.streams === 0 && claim.until <= now) claims.delete(key);
    if (claims.size === 0) this.tokens.delete(token);
    return claims;
  }
}

const globalForBudget = globalThis as unknown as { lumenFeedBudget?: FeedBudget };

export function getFeedBudget(): FeedBudget {
  globalForBudget.lumenFeedBudget ??= new FeedBudget(getEnv().LUMEN_EMBED_MAX_FEEDS_PER_TOKEN);
  return globalForBudget.lumenFeedBudget;
}

/** Counts a one-off read of what this viewer chose (429 when the token has too many views open). */
export function chargeChoiceSet(embed: VerifiedEmbed, choices: ViewerChoices): void {
  getFeedBudget().read(tokenKey(embed), feedKey(embed, choices));
}

/** Holds what this viewer chose while their stream is open; returns the release. */
export function holdChoiceSet(embed: VerifiedEmbed, choices: ViewerChoices): (now?: number) => void {
  return getFeedBudget().hold(tokenKey(embed), feedKey(embed, choices));
}
