import { describe, expect, it } from "vitest";
import { cleanUrl, globToRegExp, scrubEmails } from "./privacy";

describe("cleanUrl", () => {
  it("keeps utm_* parameters only, and drops the fragment", () => {
    expect(cleanUrl("https://shop.example.com/p?token=1&utm_source=news&q=x&utm_medium=email#top")).toBe(
      "https://shop.example.com/p?utm_source=news&utm_medium=email",
    );
    expect(cleanUrl("https://shop.example.com/p?utm_campaign=fall&session=9")).toBe(
      "https://shop.example.com/p?utm_campaign=fall",
    );
    expect(cleanUrl("https://shop.example.com/p?a=1")).toBe("https://shop.example.com/p");
  });

  it("scrubs emails, plain or percent-encoded", () => {
    expect(cleanUrl("https://x.com/users/ana.b+1@mail.example.org/edit?utm_term=bob%40x.io")).toBe(
      "https://x.com/users/[email]/edit?utm_term=[email]",
    );
  });
});

describe("scrubEmails", () => {
  it("replaces what looks like an email and leaves the rest", () => {
    expect(scrubEmails("write to ana@example.com or @handle, v1.2@3")).toBe("write to [email] or @handle, v1.2@3");
  });
});

describe("globToRegExp", () => {
  it("matches whole paths, with * as any characters", () => {
    const admin = globToRegExp("/admin*");
    expect(admin.test("/admin")).toBe(true);
    expect(admin.test("/admin/users/7")).toBe(true);
    expect(admin.test("/blog/admin")).toBe(false);
    expect(globToRegExp("/blog/*/draft").test("/blog/2026/draft")).toBe(true);
    expect(globToRegExp("/a.b").test("/aXb")).toBe(false); // the rest is literal
  });
});
