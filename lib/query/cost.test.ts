import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { checkQueryCost, QUERY_BUDGET } from "./cost";
import { type QueryDefinitionInput, queryDefinitionSchema } from "./schemas";

const DAY = 86_400_000;
const range = (from: string, days: number) => ({
  from: new Date(from),
  to: new Date(new Date(from).getTime() + days * DAY),
});
const check = (query: QueryDefinitionInput, days: number) =>
  checkQueryCost(queryDefinitionSchema.parse(query), range("2020-01-01T00:00:00Z", days));

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("checkQueryCost", () => {
  it("leaves queries within budget as they are", () => {
    const query = queryDefinitionSchema.parse({ kind: "trend", interval: "hour" });
    const checked = checkQueryCost(query, range("2020-01-01T00:00:00Z", 30));
    expect(checked.query).toBe(query);
    expect(checked.intervalAdjusted).toBeUndefined();
  });

  it("makes an hourly trend over years coarser, down to the first interval within 1,000 buckets", () => {
    const tenYears = check({ kind: "trend", interval: "hour" }, 3_652);
    expect(tenYears.query).toMatchObject({ kind: "trend", interval: "week" });
    expect(tenYears.intervalAdjusted).toMatchObject({ requested: "hour", used: "week" });
    expect(tenYears.intervalAdjusted?.reason).toMatch(/87,648 hour buckets .* limit of 1,000 buckets per series/);
    expect(check({ kind: "trend", interval: "hour" }, 90).query).toMatchObject({ interval: "day" });
    expect(check({ kind: "trend", interval: "day" }, QUERY_BUDGET.maxBuckets).intervalAdjusted).toBeUndefined();
    expect(check({ kind: "trend", interval: "day" }, QUERY_BUDGET.maxBuckets + 1).query).toMatchObject({
      interval: "week",
    });
  });

  it("counts a breakdown's series (top N and other) against the cells", () => {
    // 365 days x 101 series is over 20,000 cells; weeks (53 x 101) are not.
    expect(
      check({ kind: "trend", interval: "day", breakdown: { dimension: "path", limit: 100 } }, 365).query,
    ).toMatchObject({ interval: "week" });
    expect(
      check({ kind: "trend", interval: "day", breakdown: { dimension: "path", limit: 5 } }, 365).intervalAdjusted,
    ).toBeUndefined();
  });

  it("refuses a range over ten years, naming the limit", () => {
    const error = refusal(() => check({ kind: "metric" }, 4_000));
    expect(error.code).toBe("query_too_expensive");
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/4,000 days is over the limit of 3,660 days/);
    expect(error.details).toEqual([{ path: "range", message: error.message }]);
  });

  it("refuses daily retention with more than 1,000 cohorts, or more than 20,000 cells", () => {
    expect(
      refusal(() => check({ kind: "retention", start_event: "a", return_event: "b", period: "day" }, 3_000)).message,
    ).toMatch(/3,000 day cohorts is over the limit of 1,000 cohorts/);
    expect(
      refusal(() => check({ kind: "retention", start_event: "a", return_event: "b", period: "day", periods: 52 }, 400))
        .message,
    ).toMatch(/400 cohorts x 53 periods is over the limit of 20,000 cells/);
    expect(
      check({ kind: "retention", start_event: "a", return_event: "b", period: "week", periods: 52 }, 365).query.kind,
    ).toBe("retention");
  });

  it("refuses a funnel window over a year, and steps x (range + window) over 10,000 days", () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ event: `step-${i}` }));
    expect(
      refusal(() => check({ kind: "funnel", steps: steps(2), window: { value: 10_000, unit: "day" } }, 30)).message,
    ).toMatch(/window of 10,000 days is over the limit of 365 days/);
    expect(check({ kind: "funnel", steps: steps(2), window: { value: 10_000, unit: "minute" } }, 30).query.kind).toBe(
      "funnel",
    );
    const wide = refusal(() => check({ kind: "funnel", steps: steps(10), window: { value: 365, unit: "day" } }, 730));
    expect(wide.message).toMatch(
      /10 steps x \(730 days of range \+ 365 days of window\) = 10,950 days .* limit of 10,000/,
    );
    expect(wide.details?.[0]?.path).toBe("query.steps");
  });

  it("answers every trend the range limit allows, by month at worst", () => {
    // Ten years by month is 121 buckets; with 101 series that is 12,221 cells.
    expect(
      check({ kind: "trend", interval: "hour", breakdown: { dimension: "path", limit: 100 } }, 3_652).query,
    ).toMatchObject({ interval: "month" });
  });
});
