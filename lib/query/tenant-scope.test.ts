// Every statement any query kind sends reads events or rollups only through the tenant condition:
// each reference to those tables comes with its own organization_id and project_id parameters.
import { afterAll, expect, it } from "vitest";
import { closeDatabase, getPool } from "../db/client";
import { runBreakdown } from "./kinds/breakdown";
import { runFunnel } from "./kinds/funnel";
import { runMetric } from "./kinds/metric";
import { runRetention } from "./kinds/retention";
import { runTrend } from "./kinds/trend";
import { groupedMeasureSql } from "./measure";
import type { ComparisonRange } from "./range";
import { rollupGroupedSql } from "./rollups";
import {
  breakdownQuerySchema,
  funnelQuerySchema,
  metricQuerySchema,
  retentionQuerySchema,
  trendQuerySchema,
} from "./schemas";
import type { QueryScope } from "./scope";

afterAll(async () => {
  await closeDatabase();
});

const org = "11111111-1111-4111-8111-111111111111";
const project = "22222222-2222-4222-8222-222222222222";
const scope: QueryScope = {
  organizationId: org,
  projectId: project,
  from: new Date("2026-01-01T00:00:00Z"),
  to: new Date("2026-01-08T00:00:00Z"),
  timezone: "UTC",
  filters: [],
};
const comparison: ComparisonRange = {
  from: new Date("2025-12-25T00:00:00Z"),
  to: new Date("2026-01-01T00:00:00Z"),
  comparableTo: new Date("2025-12-28T12:34:56Z"),
  shift: { calendar: true, interval: "7 days" },
};
const now = new Date("2026-01-04T12:34:56Z");

it("binds every events and rollups reference to the organization and project", async () => {
  const sent: { text: string; values: unknown[] }[] = [];
  const pool = getPool();
  const recording = {
    query: (q: { text: string; values: unknown[] }) => {
      sent.push(q);
      return pool.query(q);
    },
  } as unknown as typeof pool;
  const grouped = [
    groupedMeasureSql,
    rollupGroupedSql({ watermark: "2026-01-05 00:00:00+00", daily: false }),
    rollupGroupedSql({ watermark: "2026-01-05 00:00:00+00", daily: true }),
  ];
  for (const g of grouped) {
    await runTrend(
      recording,
      scope,
      trendQuerySchema.parse({ kind: "trend", breakdown: { dimension: "path" }, compare: true }),
      now,
      comparison,
      g,
    );
    await runMetric(
      recording,
      scope,
      metricQuerySchema.parse({ kind: "metric", measure: { type: "unique_users" } }),
      comparison,
      g,
    );
    await runBreakdown(recording, scope, breakdownQuerySchema.parse({ kind: "breakdown", dimension: "country" }), g);
  }
  await runMetric(
    recording,
    scope,
    metricQuerySchema.parse({ kind: "metric", measure: { type: "bounce_rate" } }),
    comparison,
  );
  await runFunnel(
    recording,
    scope,
    funnelQuerySchema.parse({
      kind: "funnel",
      steps: [{ event: "a" }, { event: "b" }, { event: "c" }],
      breakdown: { dimension: "os" },
    }),
  );
  const retention = retentionQuerySchema.parse({ kind: "retention", start_event: "a", return_event: "b" });
  await runRetention(recording, scope, retention, new Date());
  await runRetention(recording, scope, retention, new Date(), { kind: "raw", minEventsForBuckets: 0 });

  const reading = sent.filter((q) =>
    /\b(events|event_rollups|event_actor_bitmaps|project_actors) [a-z]\b/.test(q.text),
  );
  expect(reading.length).toBeGreaterThan(10);
  for (const { text, values } of reading) {
    const references = [
      ...text.matchAll(/\b(?:FROM|JOIN) (?:events|event_rollups|event_actor_bitmaps|project_actors) ([a-z])\b/g),
    ];
    expect(references.length).toBeGreaterThan(0);
    for (const [, alias] of references) {
      const bound = new RegExp(
        `\\b${alias}\\.organization_id = \\$(\\d+)::uuid AND ${alias}\\.project_id = \\$(\\d+)::uuid`,
        "g",
      );
      const bindings = [...text.matchAll(bound)];
      expect(bindings.length, text).toBeGreaterThanOrEqual(1);
      for (const [, orgParam, projectParam] of bindings) {
        expect(values[Number(orgParam) - 1]).toBe(org);
        expect(values[Number(projectParam) - 1]).toBe(project);
      }
    }
    const unbound = (
      text.match(/\b(?:FROM|JOIN) (?:events|event_rollups|event_actor_bitmaps|project_actors) [a-z]\b/g) ?? []
    ).length;
    const bounds = (text.match(/\b[a-z]\.organization_id = \$\d+::uuid AND [a-z]\.project_id = \$\d+::uuid/g) ?? [])
      .length;
    expect(bounds, text).toBeGreaterThanOrEqual(unbound);
  }
});
