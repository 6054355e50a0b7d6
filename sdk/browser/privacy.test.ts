import { describe, expect, it } from "vitest";
import { cleanUrl, globsToRegExp, scrubEmails, scrubErrorText } from "./privacy";

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

describe("globsToRegExp", () => {
  it("matches whole paths, with * as any characters", () => {
    const admin = globsToRegExp("/admin*");
    expect(admin.test("/admin")).toBe(true);
    expect(admin.test("/admin/users/7")).toBe(true);
    expect(admin.test("/blog/admin")).toBe(false);
    expect(globsToRegExp("/blog/*/draft").test("/blog/2026/draft")).toBe(true);
    expect(globsToRegExp("/a.b").test("/aXb")).toBe(false); // the rest is literal
    expect(globsToRegExp("/a(b|c)+").test("/a(b|c)+")).toBe(true);
  });

  it("matches any of comma-separated globs, and no path for none", () => {
    const either = globsToRegExp("/admin*,/blog/*/draft");
    expect(either.test("/admin/x")).toBe(true);
    expect(either.test("/blog/1/draft")).toBe(true);
    expect(either.test("/blog/1")).toBe(false);
    expect(globsToRegExp("").test("/")).toBe(false);
  });
});

describe("scrubErrorText", () => {
  it("drops URLs' query strings and fragments, keeping a frame's line and column", () => {
    expect(scrubErrorText("at f (https://x.com/app.js?v=3&token=abc:10:5)")).toBe("at f (https://x.com/app.js:10:5)");
    expect(scrubErrorText("g@https://x.com/a.js#frag:1:2")).toBe("g@https://x.com/a.js:1:2");
    expect(scrubErrorText("Failed to fetch https://api.x.com/u?id=7 now")).toBe(
      "Failed to fetch https://api.x.com/u now",
    );
    expect(scrubErrorText("Is it ok? Yes")).toBe("Is it ok? Yes");
  });

  it("scrubs emails", () => {
    expect(scrubErrorText("No user ana@example.com")).toBe("No user [email]");
  });
});
