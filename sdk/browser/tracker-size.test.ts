// public/lumen.js is committed: it must stay within its size budget and match sdk/browser's source.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildTracker, gzippedSize, TRACKER_OUTPUT } from "./build";

const BUDGET_BYTES = 2000;

describe("public/lumen.js", () => {
  it(`is under ${BUDGET_BYTES} bytes minified and gzipped (level 9)`, async () => {
    const size = gzippedSize(await readFile(TRACKER_OUTPUT, "utf8"));
    expect(size, `lumen.js is ${size} bytes gzipped`).toBeLessThan(BUDGET_BYTES);
  });

  it("is up to date with sdk/browser (run `npm run build:tracker`)", async () => {
    expect(await readFile(TRACKER_OUTPUT, "utf8")).toBe(await buildTracker());
  });
});
