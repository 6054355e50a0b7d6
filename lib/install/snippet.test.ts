import { describe, expect, it } from "vitest";
import { trackerSnippet } from "./snippet";

describe("trackerSnippet", () => {
  it("loads lumen.js from the host with the write key", () => {
    expect(trackerSnippet({ host: "https://stats.example.com/", writeKey: "lmw_abc" })).toBe(
      '<script defer src="https://stats.example.com/lumen.js" data-key="lmw_abc"></script>',
    );
  });

  it("escapes what could break out of the attributes", () => {
    expect(trackerSnippet({ host: "http://localhost:3000", writeKey: 'a"><script>' })).toContain(
      'data-key="a&quot;>&lt;script>"',
    );
  });
});
