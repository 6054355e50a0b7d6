// Builds public/lumen.js from sdk/browser/lumen.ts, and the opt-in modules beside it
// (public/lumen-<name>.js from sdk/browser/modules/<name>.ts): `npm run build:tracker`. The size
// test rebuilds in memory and fails when a committed file is stale.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const PUBLIC = path.join(import.meta.dirname, "../../public");

export interface TrackerBundle {
  entry: string;
  output: string;
  /** Gzipped (level 9) size it must stay under. */
  budget: number;
}

/** The core tracker and each opt-in module, with their budgets (see README.md in this folder). */
export const TRACKER_BUNDLES: Record<string, TrackerBundle> = {
  core: { entry: "lumen.ts", output: "lumen.js", budget: 2000 },
  vitals: { entry: "modules/vitals.ts", output: "lumen-vitals.js", budget: 800 },
  errors: { entry: "modules/errors.ts", output: "lumen-errors.js", budget: 600 },
  forms: { entry: "modules/forms.ts", output: "lumen-forms.js", budget: 350 },
};

export const outputPath = (bundle: TrackerBundle) => path.join(PUBLIC, bundle.output);

export async function buildBundle(bundle: TrackerBundle): Promise<string> {
  const result = await build({
    entryPoints: [path.join(import.meta.dirname, bundle.entry)],
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
  for (const bundle of Object.values(TRACKER_BUNDLES)) {
    const code = await buildBundle(bundle);
    await writeFile(outputPath(bundle), code);
    console.log(
      `public/${bundle.output}: ${code.length} bytes, ${gzippedSize(code)} gzipped (budget ${bundle.budget})`,
    );
  }
}
