import { expect, it } from "vitest";
import { primaryVerifiedGitHubEmail, verifiedEmailOf } from "./oauth-email";

it("links only emails the provider marks verified", () => {
  expect(verifiedEmailOf({ email: "Ana@Acme.com", email_verified: true })).toBe("ana@acme.com");
  expect(verifiedEmailOf({ email: "ana@acme.com", email_verified: "true" })).toBe("ana@acme.com");
  for (const profile of [
    { email: "ana@acme.com" },
    { email: "ana@acme.com", email_verified: false },
    { email: "ana@acme.com", email_verified: "false" },
    { email_verified: true },
    null,
    "ana@acme.com",
  ]) {
    expect(verifiedEmailOf(profile), JSON.stringify(profile)).toBeNull();
  }
});

it("takes GitHub's primary email only when GitHub verified it", () => {
  expect(
    primaryVerifiedGitHubEmail([
      { email: "other@acme.com", primary: false, verified: true },
      { email: "ana@acme.com", primary: true, verified: true },
    ]),
  ).toBe("ana@acme.com");
  expect(
    primaryVerifiedGitHubEmail([
      { email: "ana@acme.com", primary: true, verified: false },
      { email: "other@acme.com", primary: false, verified: true },
    ]),
  ).toBeNull();
  expect(primaryVerifiedGitHubEmail({ message: "Bad credentials" })).toBeNull();
});
