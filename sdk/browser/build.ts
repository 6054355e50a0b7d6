// Builds public/lumen.js from sdk/browser/lumen.ts: `npm run build:tracker`. The size test rebuilds
// in memory with buildTracker() and fails when the committed file is stale.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const TRACKER_ENTRY = path.join(import.meta.dirname, "lumen.ts");
export const TRACKER_OUTPUT = path.join(import.meta.dirname, "../../public/lumen.js");

export async function buildTracker(): Promise<string> {
  const result = await build({
    entryPoints: [TRACKER_ENTRY],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    legalComments: "none",
    // tsconfig's strict mode would add a "use strict" prologue: bytes the budget cannot spare.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    write: false,
  });
  return result.outputFiles[0]!.text;
}

export const gzippedSize = (code: string) => gzipSync(code, { level: 9 }).length;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await buildTracker();
  await writeFile(TRACKER_OUTPUT, code);
  console.log(`public/lumen.js: ${code.length} bytes, ${gzippedSize(code)} gzipped`);
}
