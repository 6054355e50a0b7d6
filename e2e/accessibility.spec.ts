// Accessibility checks in Chromium: text contrast (axe-core's color-contrast rule on the computed
// colours, WCAG AA: 4.5:1, 3:1 for large text) on every page of the analyst app in the light and
// the dark theme; a "Skip to content" link first in the tab order; the current section marked.
import { createRequire } from "node:module";
import { expect, type Page, test } from "@playwright/test";
import { getPrisma } from "../lib/db/client";
import { seedAnalystWorkspace, signIn } from "../testing/analyst-workspace";

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface Violation {
  id: string;
  nodes: { target: string[]; failureSummary?: string; html: string }[];
}

async function contrastViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] } });
    return result.violations;
  });
  return (violations as Violation[]).flatMap((v) =>
    v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ")} (${n.html})`),
  );
}

async function seedReport(organizationId: string, projectId: string) {
  return getPrisma().report.create({
    data: {
      organizationId,
      projectId,
      name: "Contrast",
      widgets: {
        create: [
          {
            title: "Pageviews",
            query: { kind: "metric", event: "pageview" },
            viz: { type: "metric" },
            gridW: 3,
            gridH: 2,
          },
          {
            title: "By country",
            query: { kind: "breakdown", dimension: "country" },
            viz: { type: "table" },
            gridX: 3,
            gridW: 9,
          },
        ],
      },
    },
  });
}

for (const theme of ["light", "dark"] as const) {
  test(`secondary text has at least AA contrast on every page, ${theme} theme`, async ({ page }) => {
    // Eight pages, each loaded and checked: about a minute on a busy machine, more at load 30.
    test.setTimeout(300_000);
    const ws = await seedAnalystWorkspace("owner");
    const report = await seedReport(ws.organizationId, ws.projectId);
    await page.addInitScript((t) => localStorage.setItem("lumen-theme", t), theme);
    await page.goto("/signin");
    expect(await contrastViolations(page), "sign-in").toEqual([]);
    await signIn(page, ws.email, ws.password);
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /dark/ : /^(?!.*dark)/);

    const pages: [string, string, () => Promise<void>][] = [
      ["projects", "/projects", () => expect(page.getByRole("link", { name: /Site/ })).toBeVisible()],
      [
        "overview",
        `/projects/${ws.projectId}`,
        () => expect(page.getByRole("region", { name: "Top pages" }).getByRole("table")).toBeVisible(),
      ],
      [
        "reports",
        `/projects/${ws.projectId}/reports`,
        () => expect(page.getByRole("link", { name: "Contrast" })).toBeVisible(),
      ],
      [
        "report",
        `/projects/${ws.projectId}/reports/${report.id}`,
        () => expect(page.getByRole("region", { name: "By country" }).getByRole("table")).toBeVisible(),
      ],
      ["segments", `/projects/${ws.projectId}/segments`, () => expect(page.getByText("No segments yet")).toBeVisible()],
      [
        "settings",
        `/projects/${ws.projectId}/settings`,
        () => expect(page.getByTestId("installation-status")).toContainText("Installed"),
      ],
      [
        "realtime",
        `/projects/${ws.projectId}/realtime`,
        () => expect(page.getByTestId("realtime-active")).toBeVisible(),
      ],
      [
        "person",
        `/projects/${ws.projectId}/people?user_id=u1`,
        () => expect(page.getByTestId("person-event")).toHaveCount(3),
      ],
      ["new project", "/projects/new", () => expect(page.getByRole("form", { name: "New project" })).toBeVisible()],
      [
        "audit log",
        `/projects/${ws.projectId}/settings/audit-log`,
        () => expect(page.getByRole("region", { name: "Audit log" }).getByRole("table")).toBeVisible(),
      ],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(path);
      await ready();
      // No skeleton left: the colours checked are the loaded page's.
      await expect(page.getByTestId("widget-skeleton")).toHaveCount(0);
      expect(await contrastViolations(page), name).toEqual([]);
    }
  });
}

test("Skip to content is the first Tab stop and moves focus to the page's content", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  await signIn(page, ws.email, ws.password);
  await page.goto(`/projects/${ws.projectId}/reports`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  // Hidden until focused, then visible on top of the header.
  const box = await skip.boundingBox();
  expect(box && box.width > 20 && box.height > 10).toBe(true);
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main-content")).toBeFocused();
  // The next Tab goes into the content, past the header's controls.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.closest("main")?.id)).toBe("main-content");
});

test("the current section is marked with aria-current and a visible style", async ({ page }) => {
  const ws = await seedAnalystWorkspace();
  const report = await seedReport(ws.organizationId, ws.projectId);
  await signIn(page, ws.email, ws.password);
  const nav = page.getByRole("navigation", { name: "Project" });
  const look = (name: string) =>
    nav.getByRole("link", { name }).evaluate((e) => {
      const style = getComputedStyle(e);
      return `${style.backgroundColor} ${style.textDecorationLine} ${style.color}`;
    });

  for (const [path, current] of [
    [`/projects/${ws.projectId}`, "Overview"],
    [`/projects/${ws.projectId}/reports`, "Reports"],
    [`/projects/${ws.projectId}/settings`, "Settings"],
  ] as const) {
    await page.goto(path);
    await expect(nav.getByRole("link", { name: current })).toHaveAttribute("aria-current", "page");
    const others = ["Overview", "Reports", "Settings"].filter((n) => n !== current);
    for (const other of others)
      await expect(nav.getByRole("link", { name: other })).not.toHaveAttribute("aria-current");
    expect(await look(current)).not.toEqual(await look(others[0]!));
  }
  // Inside a section (one report), its tab says so too.
  await page.goto(`/projects/${ws.projectId}/reports/${report.id}`);
  await expect(nav.getByRole("link", { name: "Reports" })).toHaveAttribute("aria-current", "true");
});
