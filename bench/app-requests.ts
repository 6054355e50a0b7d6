// What the app sends, built by the app's own code so the benchmark cannot drift from it: the
// overview's panels (lib/query/overview.ts, rendered by components/dashboard/project-overview.tsx)
// for the views an analyst reaches by clicking rows (lib/query/view-state.ts); a report board's
// widgets, one request each like the overview's panels (components/reports/widget-card.tsx); and
// embeds, one request for all their widgets (lib/embed/embed-data.ts). Each request goes through
// what its route does after authentication: the body's schema, the principal's query gate
// (lib/query/query-gate.ts), then runQuery or loadEmbedSnapshot. See bench/README.md.
import { userActor } from "../lib/audit/record";
import { getPrisma } from "../lib/db/client";
import { loadEmbedSnapshot } from "../lib/embed/embed-data";
import { createEmbed } from "../lib/embed/issue";
import type { ViewerChoices } from "../lib/embed/schemas";
import { verifyEmbedToken } from "../lib/embed/tokens";
import { createGoal } from "../lib/goals/goals";
import type { GoalView } from "../lib/goals/schemas";
import {
  breakdownPanelOf,
  overviewRequests,
  overviewTabRequests,
  panelRequest,
  selectPanelRow,
} from "../lib/query/overview";
import { embedPrincipal, principalOfReader, withQueryGate } from "../lib/query/query-gate";
import { runQuery } from "../lib/query/run-query";
import {
  type Dimension,
  type Filter,
  type QueryDefinitionInput,
  type QueryRange,
  queryRequestSchema,
} from "../lib/query/schemas";
import { DEFAULT_VIEW, parseViewState, type ViewState } from "../lib/query/view-state";
import { createReportFromTemplate, templateSchema } from "../lib/reports/templates";
import { ensureUserWithRole } from "../lib/workspace/workspace";
import { DEMO_GOALS } from "../testing/demo-goals";
import type { Workspace } from "./dataset";

/** One request of a page: the body it posts to /api/v1/query, or an embed's data request. */
export interface AppRequest {
  title: string;
  /** The body posted to /api/v1/query (absent for an embed's data request). */
  body?: { query: QueryDefinitionInput; range: QueryRange };
  /** Sends it as its route does; `rollups` is meta.rollups (null when the route does not say). */
  send(): Promise<{ rollups: boolean | null; data: unknown }>;
}

export interface AppView {
  /** "overview: page", "report: Traffic overview", "embed: Weekly retention (country US)". */
  name: string;
  /** The requests the page sends together, as a browser fires them. */
  requests: AppRequest[];
  target: { requestP95Ms: number | null; wholeP95Ms: number };
}

/** The targets for the overview's measures: every panel p95 under 300 ms, the whole page under 1 s. */
const OVERVIEW_TARGET = { requestP95Ms: 300, wholeP95Ms: 1000 };
/** The target for entry and exit page breakdowns (a panel's tab, sent alone when chosen): p95 under 500 ms. */
const PAGES_TAB_TARGET = { requestP95Ms: 500, wholeP95Ms: 500 };
/** Funnels, retention (raw events where their bitmaps cannot answer) and paths: under 2 s. */
const RAW_KIND_TARGET = { requestP95Ms: null, wholeP95Ms: 2000 };

/**
 * The views an analyst reaches by clicking rows of the overview's tables (selectPanelRow, as the
 * dashboard does: a custom event keeps the visitors who did it), and a property filter from a shared link.
 */
function overviewViews(): { name: string; view: ViewState }[] {
  const click = (view: ViewState, dimension: Dimension, value: string) =>
    selectPanelRow(view, breakdownPanelOf(dimension), value);
  const page = click(DEFAULT_VIEW, "path", "/pricing");
  return [
    { name: "no filter", view: DEFAULT_VIEW },
    { name: "page", view: page },
    { name: "referrer", view: click(DEFAULT_VIEW, "referrer", "google.com") },
    { name: "country", view: click(DEFAULT_VIEW, "country", "US") },
    { name: "device", view: click(DEFAULT_VIEW, "device", "mobile") },
    { name: "event (visitors who did signup)", view: click(DEFAULT_VIEW, "event", "signup") },
    { name: "property", view: parseViewState(new URLSearchParams("f=properties.plan:equals:pro")) },
    { name: "page + device", view: click(page, "device", "mobile") },
    // A row of the "New vs returning" panel: the visitors first seen in the range.
    { name: "new visitors", view: click(DEFAULT_VIEW, "visitor_type", "new") },
  ];
}

/** Embeds of the template reports: locked filters (params) and what a viewer picked (choices). */
const EMBEDS: { template: string; label: string; filters: Filter[]; choices: ViewerChoices }[] = [
  { template: "traffic", label: "", filters: [], choices: { filters: {} } },
  {
    template: "traffic",
    label: " (country US locked, viewer picks device mobile)",
    filters: [{ field: "country", op: "equals", value: "US" }],
    choices: { filters: { device: "mobile" } },
  },
  { template: "signup_funnel", label: "", filters: [], choices: { filters: {} } },
  {
    template: "weekly_retention",
    label: " (country US locked)",
    filters: [{ field: "country", op: "equals", value: "US" }],
    choices: { filters: {} },
  },
  { template: "user_paths", label: "", filters: [], choices: { filters: {} } },
];

export interface AppViews {
  views: AppView[];
  /** Deletes the reports (and their embeds) made for the run. */
  cleanUp(): Promise<void>;
}

/**
 * Every view the benchmark times, for the workspace's project: reports are made from the templates
 * (createReportFromTemplate, as the "new from template" button does) by a benchmark admin, and
 * embedded with Lumen-issued tokens.
 */
export async function appViews(ws: Workspace, org: string): Promise<AppViews> {
  const admin = await ensureUserWithRole(
    ws.organizationId,
    { email: `admin@${org}.bench.lumen.local`, password: "bench-query-password" },
    "admin",
  );
  const reader = { kind: "user" as const, userId: admin.id };
  // The principal and surface the query route derives for a signed-in member.
  const member = principalOfReader(reader, new Request("http://bench.lumen.local/api/v1/query"));

  const query = (title: string, body: { query: QueryDefinitionInput; range: QueryRange }): AppRequest => {
    const parsed = queryRequestSchema.parse({ project_id: ws.projectId, ...body });
    return {
      title,
      body,
      send: async () => {
        const { data, meta } = await withQueryGate(member.principal, member.surface, (caller) =>
          runQuery({
            organizationId: ws.organizationId,
            projectId: parsed.project_id,
            query: parsed.query,
            range: parsed.range,
            timezone: parsed.timezone,
            ...caller,
          }),
        );
        return { rollups: meta.rollups, data };
      },
    };
  };

  // The demo goals, one of each kind (the overview's Goals panel sends one request per goal), made
  // afresh each run (a run cut short leaves its goals: those with these names go first).
  await getPrisma().goal.deleteMany({
    where: { organizationId: ws.organizationId, projectId: ws.projectId, name: { in: DEMO_GOALS.map((g) => g.name) } },
  });
  const manager = { organizationId: ws.organizationId, projectId: ws.projectId, actor: userActor(admin.id) };
  const goals: GoalView[] = [];
  for (const goal of DEMO_GOALS) goals.push(await createGoal(manager, goal));

  const views: AppView[] = overviewViews().map(({ name, view }) => ({
    name: `overview: ${name}`,
    requests: overviewRequests(view, undefined, goals).map((r) => query(r.title, r)),
    target: OVERVIEW_TARGET,
  }));
  // The panels' other tabs (entry and exit pages), each sent on its own when chosen, unfiltered and
  // under a country (a profile filter the session rollups select).
  for (const { name, view } of overviewViews().filter((v) => v.name === "no filter" || v.name === "country"))
    for (const tab of overviewTabRequests(view))
      views.push({
        name: `overview tab: ${tab.title}, ${name}`,
        requests: [query(tab.title, tab)],
        target: PAGES_TAB_TARGET,
      });

  const reports = new Map<string, { id: string; name: string }>();
  for (const template of templateSchema.options) {
    const report = await createReportFromTemplate(admin.id, ws.projectId, template);
    reports.set(template, report);
    const widgets = await getPrisma().widget.findMany({
      where: { reportId: report.id },
      orderBy: [{ gridY: "asc" }, { gridX: "asc" }],
    });
    views.push({
      name: `report: ${report.name}`,
      requests: widgets.map((w) => query(w.title, panelRequest(w.query as QueryDefinitionInput, DEFAULT_VIEW))),
      target: template === "traffic" ? OVERVIEW_TARGET : RAW_KIND_TARGET,
    });
  }

  for (const e of EMBEDS) {
    const report = reports.get(e.template)!;
    const created = await createEmbed(
      { userId: admin.id },
      {
        report_id: report.id,
        params: { filters: e.filters },
        editable: Object.keys(e.choices.filters),
      },
      "http://bench.lumen.local",
    );
    const embed = await verifyEmbedToken(created.token);
    views.push({
      name: `embed: ${report.name}${e.label}`,
      requests: [
        {
          title: "all widgets",
          send: async () => {
            const snapshot = await withQueryGate(embedPrincipal(created.token), "embed", ({ gate }) =>
              loadEmbedSnapshot(embed, e.choices, gate),
            );
            return { rollups: null, data: snapshot.widgets };
          },
        },
      ],
      target: e.template === "traffic" ? { requestP95Ms: null, wholeP95Ms: 1000 } : RAW_KIND_TARGET,
    });
  }

  return {
    views,
    async cleanUp() {
      await getPrisma().report.deleteMany({ where: { id: { in: [...reports.values()].map((r) => r.id) } } });
      await getPrisma().goal.deleteMany({ where: { id: { in: goals.map((g) => g.id) } } });
    },
  };
}

/** A body's answer at a fixed `now`, from rollups where they answer or from raw events only: the exactness check. */
export async function answerAt(
  ws: Workspace,
  body: NonNullable<AppRequest["body"]>,
  now: Date,
  useRollups: boolean,
): Promise<unknown> {
  const parsed = queryRequestSchema.parse({ project_id: ws.projectId, ...body });
  const { data } = await runQuery({
    organizationId: ws.organizationId,
    projectId: ws.projectId,
    query: parsed.query,
    range: parsed.range,
    now,
    useRollups,
  });
  return data;
}
