// public/lumen.js and its opt-in modules are committed: each must stay within its size budget and
// match sdk/browser's source.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildBundle, gzippedSize, outputPath, TRACKER_BUNDLES } from "./build";

describe.each(Object.values(TRACKER_BUNDLES))("public/$output", (bundle) => {
  it(`is under its budget minified and gzipped (level 9)`, async () => {
    const size = gzippedSize(await readFile(outputPath(bundle), "utf8"));
    expect(size, `${bundle.output} is ${size} bytes gzipped`).toBeLessThan(bundle.budget);
  });

  it("is up to date with sdk/browser (run `npm run build:tracker`)", async () => {
    expect(await readFile(outputPath(bundle), "utf8")).toBe(await buildBundle(bundle));
  });
});

it("keeps the core tracker's budget at 2,000 bytes", () => {
  expect(TRACKER_BUNDLES.core!.budget).toBe(2000);
});
