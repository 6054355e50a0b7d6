// The background refresh's pace: it yields while the rollups are close behind or while ingestion
// outruns it, and folds without a pause when it is behind and can catch up (pure arithmetic; what it
// does at 2,800 events/s and at full throughput is measured in bench/README.md).
import { describe, expect, it } from "vitest";
import { refreshWait } from "./refresh-schedule";

describe("the wait before the next refresh", () => {
  it("is the 5-second interval after a short refresh that kept up", () => {
    expect(refreshWait({ durationMs: 400, lagMs: 450, foldedMs: 5_400 })).toBe(5_000);
  });

  it("is three times the refresh's length while the lag stays well within its target", () => {
    expect(refreshWait({ durationMs: 2_000, lagMs: 2_100, foldedMs: 7_000 })).toBe(6_000);
  });

  it("shrinks as the lag nears its target, to none past it, while the refresh can catch up", () => {
    expect(refreshWait({ durationMs: 3_000, lagMs: 3_200, foldedMs: 8_000 })).toBe(6_800);
    expect(refreshWait({ durationMs: 9_000, lagMs: 9_500, foldedMs: 15_000 })).toBe(500);
    expect(refreshWait({ durationMs: 12_000, lagMs: 12_500, foldedMs: 14_000 })).toBe(0);
  });

  it("yields when ingestion outruns it: the refresh took longer than the arrivals it folded", () => {
    expect(refreshWait({ durationMs: 25_000, lagMs: 26_000, foldedMs: 20_000 })).toBe(75_000);
    expect(refreshWait({ durationMs: 12_000, lagMs: 12_500, foldedMs: 12_000 })).toBe(36_000);
  });

  it("yields when the refresh folded nothing, or after the first, whose span is not known", () => {
    expect(refreshWait({ durationMs: 30, lagMs: null, foldedMs: null })).toBe(5_000);
    expect(refreshWait({ durationMs: 4_000, lagMs: null, foldedMs: null })).toBe(12_000);
    expect(refreshWait({ durationMs: 12_000, lagMs: 12_500, foldedMs: null })).toBe(36_000);
  });
});
