import { expect, it } from "vitest";
import { DEFAULT_CALLBACK_PATH, safeCallbackPath } from "./callback-url";

const origin = "https://lumen.example.com";

it("keeps paths of this site, with their query and fragment", () => {
  expect(safeCallbackPath("/projects/p1/reports?x=1#w", origin)).toBe("/projects/p1/reports?x=1#w");
  expect(safeCallbackPath("https://lumen.example.com/projects", origin)).toBe("/projects");
});

it("falls back to the projects page for anything that could leave the site", () => {
  for (const url of [
    null,
    "",
    "https://evil.example",
    "http://lumen.example.com/projects",
    "https://lumen.example.com.evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "http://[::1",
  ]) {
    expect(safeCallbackPath(url, origin), String(url)).toBe(DEFAULT_CALLBACK_PATH);
  }
});

it("never returns a protocol-relative path", () => {
  expect(safeCallbackPath("/.//evil.example/x", origin)).toBe("/evil.example/x");
  expect(safeCallbackPath("/%2F/evil.example", origin)).toBe("/%2F/evil.example");
});
