// The conditions' verdicts and the anomaly band, on numbers chosen by hand.
import { describe, expect, it } from "vitest";
import { anomalyBand, judge, median } from "./condition";
import { alertConditionSchema } from "./schemas";

const condition = (input: unknown) => alertConditionSchema.parse(input);

describe("threshold", () => {
  it("breaches strictly above or below, and never on a missing value", () => {
    const above = condition({ type: "threshold", op: "above", value: 10 });
    expect(judge(above, { value: 11 }).breaching).toBe(true);
    expect(judge(above, { value: 10 }).breaching).toBe(false);
    expect(judge(above, { value: null }).breaching).toBe(false);
    expect(judge(condition({ type: "threshold", op: "below", value: 10 }), { value: 3 }).breaching).toBe(true);
  });
});

describe("change", () => {
  it("measures percent and absolute changes in the chosen direction", () => {
    const drop = condition({
      type: "change",
      compare_to: "previous_window",
      unit: "percent",
      direction: "decrease",
      value: 50,
    });
    expect(judge(drop, { value: 40, reference: 100 })).toEqual({
      breaching: true,
      comparison: { reference: 100, change: -60, unit: "percent" },
    });
    expect(judge(drop, { value: 200, reference: 100 }).breaching).toBe(false);
    const either = condition({ type: "change", compare_to: "week_ago", unit: "absolute", value: 5 });
    expect(judge(either, { value: 10, reference: 16 }).breaching).toBe(true);
    expect(judge(either, { value: 10, reference: 14 }).breaching).toBe(false);
  });

  it("has no percent change from zero", () => {
    const rise = condition({
      type: "change",
      compare_to: "previous_window",
      unit: "percent",
      direction: "increase",
      value: 10,
    });
    expect(judge(rise, { value: 5, reference: 0 })).toMatchObject({ breaching: false, comparison: { change: null } });
  });
});

describe("anomaly", () => {
  it("takes the median and 1.4826 median absolute deviations, at least 10% of the median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    // |x - 10| = 2, 0, 0, 5 -> MAD 1 -> deviation 1.4826, more than 10% of 10
    expect(anomalyBand([8, 10, 10, 15], 2)).toEqual({ lower: 10 - 2 * 1.4826, upper: 10 + 2 * 1.4826, median: 10 });
    expect(anomalyBand([50, 50, 50, 50], 3)).toEqual({ lower: 35, upper: 65, median: 50 });
    expect(anomalyBand([50, null, null], 3)).toBeNull();
  });

  it("fires outside the band only with enough volume", () => {
    const rule = condition({ type: "anomaly", weeks: 4, k: 3, min_volume: 20 });
    expect(judge(rule, { value: 100, history: [50, 52, 48, 50] }).breaching).toBe(true);
    expect(judge(rule, { value: 55, history: [50, 52, 48, 50] }).breaching).toBe(false);
    // 12 against a band around 2: outside, but too small to page anyone.
    expect(judge(rule, { value: 12, history: [2, 2, 3, 2] }).breaching).toBe(false);
    const upOnly = condition({ type: "anomaly", direction: "above", min_volume: 0 });
    expect(judge(upOnly, { value: 0, history: [50, 50, 50, 50] }).breaching).toBe(false);
  });
});

describe("no data", () => {
  it("breaches when nothing matched in the span", () => {
    const rule = condition({ type: "no_data", minutes: 30 });
    expect(judge(rule, { value: 0 }).breaching).toBe(true);
    expect(judge(rule, { value: 1 }).breaching).toBe(false);
  });
});
