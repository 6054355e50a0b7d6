// Ready-made reports, created in one click.
import "server-only";
import { z } from "zod";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { createReport } from "./reports";
import type { WidgetInput } from "./schemas";
import { widgetInputSchema } from "./schemas";

type TemplateWidget = WidgetInput & { grid: NonNullable<WidgetInput["grid"]> };

const templates: Record<string, { name: string; widgets: TemplateWidget[] }> = {
  traffic: {
    name: "Traffic overview",
    widgets: [
      {
        title: "Visitors",
        query: { kind: "metric", measure: { type: "unique_users" } },
        viz: { type: "metric" },
        grid: { x: 0, y: 0, w: 3, h: 2 },
      },
      {
        title: "Pageviews",
        query: { kind: "metric", event: "pageview" },
        viz: { type: "metric" },
        grid: { x: 3, y: 0, w: 3, h: 2 },
      },
      {
        title: "Sessions",
        query: { kind: "metric", measure: { type: "sessions" } },
        viz: { type: "metric" },
        grid: { x: 6, y: 0, w: 3, h: 2 },
      },
      {
        title: "Bounce rate",
        query: { kind: "metric", measure: { type: "bounce_rate" } },
        viz: { type: "metric", invert: true },
        grid: { x: 9, y: 0, w: 3, h: 2 },
      },
      {
        title: "Pageviews per day",
        query: { kind: "trend", event: "pageview", interval: "day" },
        viz: { type: "area" },
        grid: { x: 0, y: 2, w: 12, h: 4 },
      },
      {
        title: "Top pages",
        query: { kind: "breakdown", event: "pageview", dimension: "path" },
        viz: { type: "table" },
        grid: { x: 0, y: 6, w: 6, h: 4 },
      },
      {
        title: "Referrers",
        query: { kind: "breakdown", measure: { type: "unique_users" }, dimension: "referrer" },
        viz: { type: "bar" },
        grid: { x: 6, y: 6, w: 6, h: 4 },
      },
    ],
  },
  signup_funnel: {
    name: "Signup funnel",
    widgets: [
      {
        title: "Visit → sign up → purchase",
        query: {
          kind: "funnel",
          steps: [{ event: "pageview" }, { event: "signup" }, { event: "purchase" }],
          window: { value: 7, unit: "day" },
        },
        viz: { type: "funnel" },
        grid: { x: 0, y: 0, w: 12, h: 4 },
      },
      {
        title: "Signups",
        query: { kind: "metric", event: "signup" },
        viz: { type: "metric" },
        grid: { x: 0, y: 4, w: 4, h: 2 },
      },
      {
        title: "Signups per day",
        query: { kind: "trend", event: "signup", interval: "day" },
        viz: { type: "bar" },
        grid: { x: 4, y: 4, w: 8, h: 4 },
      },
    ],
  },
  weekly_retention: {
    name: "Weekly retention",
    widgets: [
      {
        title: "Returning visitors by first week",
        query: {
          kind: "retention",
          start_event: "pageview",
          return_event: "pageview",
          period: "week",
          periods: 8,
          range: { relative: "last_90_days" },
        },
        viz: { type: "retention" },
        grid: { x: 0, y: 0, w: 12, h: 5 },
      },
    ],
  },
  user_paths: {
    name: "User paths",
    widgets: [
      {
        title: "Paths from the home page",
        query: { kind: "paths", start: { page: "/" }, steps: 5, limit: 5 },
        viz: { type: "sankey" },
        grid: { x: 0, y: 0, w: 12, h: 5 },
      },
      {
        title: "Paths to signup",
        query: { kind: "paths", end: { event: "signup" }, steps: 4, limit: 5 },
        viz: { type: "sankey" },
        grid: { x: 0, y: 5, w: 12, h: 5 },
      },
    ],
  },
};

export const templateSchema = z.enum(Object.keys(templates) as [string, ...string[]]);

export async function createReportFromTemplate(userId: string, projectId: string, template: unknown) {
  const { name, widgets } = templates[templateSchema.parse(template)]!;
  const report = await createReport(userId, projectId, { name });
  await getPrisma().widget.createMany({
    data: widgets.map((raw) => {
      const w = widgetInputSchema.parse(raw);
      const grid = raw.grid;
      return {
        organizationId: report.organizationId,
        reportId: report.id,
        title: w.title,
        query: w.query as Prisma.InputJsonValue,
        viz: w.viz,
        gridX: grid.x,
        gridY: grid.y,
        gridW: grid.w,
        gridH: grid.h,
      };
    }),
  });
  return report;
}
