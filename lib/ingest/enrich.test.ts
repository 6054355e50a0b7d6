import { describe, expect, it } from "vitest";
import { extractContextColumns, isBotUserAgent } from "./enrich";

const iphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

describe("extractContextColumns", () => {
  it("reads path, utm and referrer host from the page, ignoring self-referrals", () => {
    const columns = extractContextColumns(
      { page: { url: "https://www.shop.com/a/b?utm_source=x&utm_campaign=c", referrer: "https://shop.com/home" } },
      null,
    );
    expect(columns).toMatchObject({
      path: "/a/b",
      utmSource: "x",
      utmCampaign: "c",
      utmMedium: null,
      referrerHost: null,
    });
  });

  it("prefers explicit utm and path over the url", () => {
    const columns = extractContextColumns(
      { page: { url: "https://s.com/x?utm_source=url", path: "/explicit" }, utm: { source: "explicit" } },
      null,
    );
    expect(columns).toMatchObject({ path: "/explicit", utmSource: "explicit" });
  });

  it("parses browser, os and device type from the user agent", () => {
    expect(extractContextColumns(undefined, iphone)).toMatchObject({
      browser: "Mobile Safari",
      os: "iOS",
      deviceType: "mobile",
    });
  });

  it("takes native apps' os and device from the context", () => {
    const columns = extractContextColumns(
      {
        os: { name: "Linux" },
        device: { type: "embedded" },
        app: { version: "2.1.0" },
        library: { name: "lumen-cpp", version: "0.1.0" },
      },
      "lumen-cpp/0.1.0",
    );
    expect(columns).toMatchObject({
      os: "Linux",
      deviceType: "embedded",
      appVersion: "2.1.0",
      library: "lumen-cpp/0.1.0",
    });
  });

  it("survives urls that do not parse", () => {
    expect(extractContextColumns({ page: { url: "not a url", referrer: "::" } }, null)).toMatchObject({
      path: null,
      referrerHost: null,
    });
  });
});

describe("isBotUserAgent", () => {
  it("flags crawlers and headless browsers, not HTTP clients sending server-side events", () => {
    expect(isBotUserAgent("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")).toBe(true);
    expect(
      isBotUserAgent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
      ),
    ).toBe(true);
    expect(isBotUserAgent(iphone)).toBe(false);
    expect(isBotUserAgent("curl/8.5.0")).toBe(false);
    expect(isBotUserAgent(null)).toBe(false);
  });
});
