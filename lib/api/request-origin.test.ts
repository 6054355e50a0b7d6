import { expect, it } from "vitest";
import { requestOrigin } from "./request-origin";

const origin = (headers: Record<string, string>) => requestOrigin(new Headers(headers));

it("follows the proxy's X-Forwarded-Proto and X-Forwarded-Host, first value first", () => {
  expect(origin({ host: "10.0.0.5:3000", "x-forwarded-proto": "https", "x-forwarded-host": "stats.example.com" })).toBe(
    "https://stats.example.com",
  );
  expect(origin({ host: "stats.example.com", "x-forwarded-proto": "https, http" })).toBe("https://stats.example.com");
  expect(origin({ host: "stats.example.com", "x-forwarded-host": "a.example.com, b.internal" })).toBe(
    "http://a.example.com",
  );
});

it("is http on the Host header without a proxy, and never another scheme", () => {
  expect(origin({ host: "localhost:3000" })).toBe("http://localhost:3000");
  expect(origin({ host: "localhost:3000", "x-forwarded-proto": "javascript" })).toBe("http://localhost:3000");
});

it("falls back to a valid origin when the Host header is unusable", () => {
  expect(origin({ host: "bad host" })).toMatch(/^https?:\/\/[^/\s]+$/);
  expect(origin({})).toMatch(/^https?:\/\/[^/\s]+$/);
});
