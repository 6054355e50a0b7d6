// How much JavaScript a page of the last `next build` loads, gzipped: the embed route against the
// analyst dashboard by default. Reads only the build output in .next; run `npm run build` first.
//
//   npm run bench:embed-size -- [--route /embed/[token]] [--route /projects/[projectId]] [--json]
//
// A page's first load is what its HTML references (checked against a served page): the App Router
// runtime every page shares (build-manifest.json `rootMainFiles`) plus the entry chunks of the
// page's segments (its client reference manifest's `entryJSFiles`: layouts, the page, the built-in
// not-found and error boundaries). Left out: the `nomodule` polyfills (only browsers without ES
// modules fetch them) and chunks a component imports lazily, which no route here does.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const NEXT_DIR = path.resolve(".next");

const { values: flags } = parseArgs({
  options: {
    route: { type: "string", multiple: true, default: ["/embed/[token]", "/projects/[projectId]"] },
    json: { type: "boolean", default: false },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`bench:embed-size: ${message}`);
  process.exit(1);
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(path.join(NEXT_DIR, file), "utf8")) as T;
  } catch {
    fail(`cannot read .next/${file}: run \`npm run build\` first`);
  }
}

interface ClientReferenceManifest {
  entryJSFiles: Record<string, string[]>;
}

/** The manifest is a script assigning globalThis.__RSC_MANIFEST[page]: run it in an empty context. */
function clientReferenceManifest(appPage: string): ClientReferenceManifest {
  const file = path.join(NEXT_DIR, "server/app", `${appPage}_client-reference-manifest.js`);
  const context: { __RSC_MANIFEST?: Record<string, ClientReferenceManifest> } = {};
  vm.runInNewContext(readFileSync(file, "utf8"), context);
  const manifest = context.__RSC_MANIFEST?.[appPage];
  if (!manifest) fail(`${file} does not describe ${appPage}`);
  return manifest;
}

interface Size {
  files: number;
  raw: number;
  gzip: number;
}

function measure(files: string[]): Size {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(NEXT_DIR, file));
    raw += bytes.length;
    // Level 6, what Next's own compression and most servers and CDNs use.
    gzip += gzipSync(bytes, { level: 6 }).length;
  }
  return { files: files.length, raw, gzip };
}

const buildId = readFileSync(path.join(NEXT_DIR, "BUILD_ID"), "utf8").trim();
const shared = readJson<{ rootMainFiles: string[] }>("build-manifest.json").rootMainFiles;
const routes = readJson<Record<string, string>>("app-path-routes-manifest.json");

const results = flags.route.map((route) => {
  const appPage = Object.keys(routes).find((page) => routes[page] === route && page.endsWith("/page"));
  if (!appPage)
    fail(
      `no page for ${route} in this build; pages: ${Object.values(routes)
        .filter((r) => !r.startsWith("/api"))
        .join(", ")}`,
    );
  const entry = [...new Set(Object.values(clientReferenceManifest(appPage).entryJSFiles).flat())].filter(
    (file) => !shared.includes(file),
  );
  return { route, shared: measure(shared), own: measure(entry), total: measure([...shared, ...entry]) };
});

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`First-load JavaScript per page, build ${buildId} (KB = 1,024 bytes; gzip level 6; files in brackets)`);
for (const [label, pick] of [
  ["gzipped", (s: Size) => s.gzip],
  ["uncompressed", (s: Size) => s.raw],
] as const) {
  console.log("");
  console.log(
    `  ${label.padEnd(24)}${"shared runtime".padStart(20)}${"page's own".padStart(20)}${"total".padStart(20)}`,
  );
  for (const r of results) {
    const cell = (size: Size) => `${kb(pick(size))} (${size.files})`.padStart(20);
    console.log(`  ${r.route.padEnd(24)}${cell(r.shared)}${cell(r.own)}${cell(r.total)}`);
  }
}
const [first, ...others] = results;
if (first) {
  console.log("");
  console.log(
    `  ${first.route} ships ${kb(first.total.gzip)} of JavaScript gzipped (${kb(first.own.gzip)} of it its own)`,
  );
  for (const other of others)
    console.log(`  ${other.route}: ${kb(other.total.gzip)} gzipped (${kb(other.own.gzip)} its own)`);
}
if (flags.json) console.log(JSON.stringify({ build_id: buildId, routes: results }));
