// The feed budget of one embed token: a bounded number of distinct choice sets at once, streams
// holding theirs while open, one-off reads for a while; 429 with a Retry-After past the bound.
import { expect, it } from "vitest";
import type { ApiError } from "../errors";
import { NO_CHOICES } from "./choices";
import { FeedBudget, feedKey } from "./feed-budget";
import { embedClaimsSchema, embedThemeSchema } from "./schemas";
import type { VerifiedEmbed } from "./tokens";

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("expected a refusal");
}

it("refuses one choice set more than the bound per token, with when to retry", () => {
  const budget = new FeedBudget(2, 15_000);
  const now = 1_000_000;
  budget.read("token-a", "DE", now);
  budget.read("token-a", "FR", now + 4_000);
  // The same choice set again, and another token, are not more views of this token.
  budget.read("token-a", "DE", now + 5_000);
  budget.read("token-b", "US", now);
  const refused = refusal(() => budget.read("token-a", "US", now + 5_000));
  expect(refused).toMatchObject({ code: "rate_limited", status: 429 });
  // "FR" is held until now + 19 s: 14 s from the refusal ("DE" was read again, until now + 20 s).
  expect(refused.headers["retry-after"]).toBe("14");
  // Once a hold runs out, its place is free.
  budget.read("token-a", "US", now + 19_000);
});

it("lets a stream hold its choice set while open, and frees it when it closes", () => {
  const budget = new FeedBudget(1, 15_000);
  const release = budget.hold("token-a", "DE", 0);
  expect(refusal(() => budget.hold("token-a", "FR", 60_000)).headers["retry-after"]).toBe("15");
  budget.read("token-a", "DE", 60_000);
  release(61_000);
  release(61_000);
  const again = budget.hold("token-a", "DE", 61_000);
  again(61_000);
  // The read at 60 s still holds "DE" until 75 s.
  expect(budget.size()).toBe(1);
  budget.hold("token-a", "FR", 90_000)(90_000);
  expect(budget.size()).toBe(0);
});

it("keys feeds by every lock: tokens of one resource locked to different segments never share one", () => {
  const embed = (segment?: string): VerifiedEmbed => ({
    token: "t",
    organizationId: "org",
    projectId: "project",
    claims: embedClaimsSchema.parse({
      resource: { type: "report", id: "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b" },
      params: segment ? { segment } : {},
    }),
    theme: embedThemeSchema.parse({}),
    allowedOrigins: [],
    issuer: "customer",
    jti: null,
    expiresAt: null,
  });
  const segmented = embed("0b6f7c1e-4a1d-4c55-9a49-1f2b3c4d5e6f");
  expect(feedKey(segmented, NO_CHOICES)).not.toBe(feedKey(embed(), NO_CHOICES));
  expect(feedKey(segmented, NO_CHOICES)).not.toBe(feedKey(embed("7a1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"), NO_CHOICES));
  expect(feedKey(segmented, NO_CHOICES)).toBe(feedKey(embed("0b6f7c1e-4a1d-4c55-9a49-1f2b3c4d5e6f"), NO_CHOICES));
});
