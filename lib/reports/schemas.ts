// Reports (dashboards) and their widgets: the inputs the builder sends.
import { z } from "zod";
import { queryDefinitionSchema } from "../query/schemas";

export const VIZ_TYPES = [
  "line",
  "bar",
  "area",
  "pie",
  "donut",
  "table",
  "metric",
  "funnel",
  "retention",
  "vitals",
  "errors",
  "sankey",
] as const;

export const vizSchema = z.object({
  type: z.enum(VIZ_TYPES),
  /** Metrics where a fall is good news (bounce rate) show decreases in green. */
  invert: z.boolean().optional(),
});

export const gridSchema = z
  .object({
    x: z.number().int().min(0).max(11),
    y: z.number().int().min(0).max(1000),
    w: z.number().int().min(1).max(12),
    h: z.number().int().min(1).max(12),
  })
  .refine((grid) => grid.x + grid.w <= 12, {
    message: "x + w must be at most 12 (the grid has 12 columns)",
    path: ["w"],
  });

export const reportInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).optional(),
});

export const widgetInputSchema = z.object({
  title: z.string().trim().min(1).max(200),
  query: queryDefinitionSchema,
  viz: vizSchema,
  grid: gridSchema.optional(),
});

export const widgetPatchSchema = widgetInputSchema.partial();

export const layoutSchema = z.object({
  widgets: z
    .array(z.object({ id: z.guid(), grid: gridSchema }))
    .max(100)
    .refine((widgets) => new Set(widgets.map((w) => w.id)).size === widgets.length, {
      message: "each widget may appear once",
    }),
});

export type Viz = z.infer<typeof vizSchema>;
export type Grid = z.infer<typeof gridSchema>;
export type WidgetInput = z.input<typeof widgetInputSchema>;
