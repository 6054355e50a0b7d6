import { expect, it } from "vitest";
import { assertNotCrossSiteWrite } from "./csrf";

function verdict(method: string, headers: Record<string, string>, body?: string): string {
  try {
    // As it arrives over HTTP, with the body's length declared.
    const declared: Record<string, string> =
      body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) };
    assertNotCrossSiteWrite(
      new Request("http://10.0.0.5:3000/api/v1/x", { method, headers: { ...headers, ...declared }, body }),
    );
    return "allowed";
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const json = { "content-type": "application/json" };

it("allows an origin naming the host the request was addressed to, default ports aside", () => {
  expect(verdict("POST", { ...json, host: "stats.example.com", origin: "https://stats.example.com" }, "{}")).toBe(
    "allowed",
  );
  expect(verdict("POST", { ...json, host: "stats.example.com:443", origin: "https://stats.example.com" }, "{}")).toBe(
    "allowed",
  );
  expect(verdict("POST", { ...json, host: "[::1]:3000", origin: "http://[::1]:3000" }, "{}")).toBe("allowed");
  expect(
    verdict(
      "POST",
      { ...json, host: "10.0.0.5:3000", "x-forwarded-host": "stats.example.com", origin: "https://stats.example.com" },
      "{}",
    ),
  ).toBe("allowed");
});

it("refuses other hosts, ports and schemes that are no web origin", () => {
  expect(
    verdict("POST", { ...json, host: "stats.example.com", origin: "https://stats.example.com.evil.example" }, "{}"),
  ).toBe("forbidden");
  expect(verdict("POST", { ...json, host: "stats.example.com", origin: "https://stats.example.com:8443" }, "{}")).toBe(
    "forbidden",
  );
  expect(verdict("POST", { ...json, host: "stats.example.com", origin: "file://stats.example.com" }, "{}")).toBe(
    "forbidden",
  );
  expect(verdict("DELETE", { host: "stats.example.com", "sec-fetch-site": "same-site" })).toBe("forbidden");
});

it("leaves safe methods, API keys and same-origin JSON alone, and needs JSON for any body", () => {
  expect(verdict("GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).toBe("allowed");
  expect(
    verdict(
      "POST",
      { origin: "https://evil.example", authorization: "Bearer lma_x", "content-type": "text/plain" },
      "{}",
    ),
  ).toBe("allowed");
  expect(verdict("POST", { ...json, host: "stats.example.com", "sec-fetch-site": "same-origin" }, "{}")).toBe(
    "allowed",
  );
  expect(verdict("DELETE", { host: "stats.example.com" })).toBe("allowed");
  expect(verdict("POST", { host: "stats.example.com", "content-type": "text/plain" }, "{}")).toBe("forbidden");
});
