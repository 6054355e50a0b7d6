// The failures of a run, printed again at its very end: CI keeps only the tail of the output, and
// the browser suite's errors otherwise scroll away under the PostgreSQL 15 pass that follows it.
// Read from the JSON reports Vitest and Playwright write beside their console output.
import { readFile } from "node:fs/promises";
import { stripVTControlCharacters } from "node:util";
import { z } from "zod";

/** Lines of an error message kept per failure: the assertion and the start of its call log. */
const MESSAGE_LINES = 12;

const vitestReport = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      assertionResults: z.array(
        z.object({ fullName: z.string(), status: z.string(), failureMessages: z.array(z.string()).nullish() }),
      ),
    }),
  ),
});

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { title: string; line?: number; tests: { results: { status: string; error?: { message?: string } }[] }[] }[];
  suites?: PlaywrightSuite[];
}
const playwrightReport = z.object({ suites: z.array(z.custom<PlaywrightSuite>()) });

export interface Failure {
  suite: string;
  title: string;
  message: string;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return null;
  }
}

/** The message's first lines, without the test runners' own stack frames. */
const firstLines = (text: string) =>
  stripVTControlCharacters(text)
    .split("\n")
    .filter((line) => !line.includes("node_modules"))
    .slice(0, MESSAGE_LINES)
    .join("\n");

export async function vitestFailures(file: string, suite: string): Promise<Failure[]> {
  const report = vitestReport.safeParse(await readJson(file));
  if (!report.success) return [];
  return report.data.testResults.flatMap((result) =>
    result.assertionResults
      .filter((a) => a.status === "failed")
      .map((a) => ({
        suite,
        title: `${result.name} › ${a.fullName}`,
        message: firstLines(a.failureMessages?.[0] ?? ""),
      })),
  );
}

export async function playwrightFailures(file: string): Promise<Failure[]> {
  const report = playwrightReport.safeParse(await readJson(file));
  if (!report.success) return [];
  const walk = (suite: PlaywrightSuite, path: string[]): Failure[] => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.flatMap((test) =>
        test.results
          .filter((r) => r.status === "failed" || r.status === "timedOut")
          .map((r) => ({
            suite: "playwright",
            title: [...path, `${spec.title}:${spec.line ?? ""}`].join(" › "),
            message: firstLines(r.error?.message ?? r.status),
          })),
      ),
    ),
    ...(suite.suites ?? []).flatMap((child) => walk(child, [...path, child.title])),
  ];
  return report.data.suites.flatMap((suite) => walk(suite, [suite.title]));
}

export function printFailures(failures: Failure[]): void {
  if (failures.length === 0) return;
  console.error(`\n==> ${failures.length} failed test${failures.length === 1 ? "" : "s"}, again:`);
  for (const failure of failures) console.error(`\n[${failure.suite}] ${failure.title}\n${failure.message}`);
}
