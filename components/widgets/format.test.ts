import { describe, expect, it } from "vitest";
import {
  formatBucketLabel,
  formatCount,
  formatDuration,
  formatMeasure,
  formatNumber,
  formatPercent,
  formatPoints,
  isAdditive,
  NO_VALUE,
} from "./format";

describe("formatNumber", () => {
  it("groups digits for the locale and keeps two decimals for small fractions", () => {
    expect(formatNumber(1234567, "en-US")).toBe("1,234,567");
    expect(formatNumber(1234567, "de-DE")).toBe("1.234.567");
    expect(formatNumber(Math.PI, "en-US")).toBe("3.14");
    expect(formatNumber(123.6, "en-US")).toBe("124");
  });
  it("abbreviates in compact mode and shows null as a dash", () => {
    expect(formatNumber(12_345, "en-US", true)).toBe("12.3K");
    expect(formatNumber(null)).toBe(NO_VALUE);
    expect(formatNumber(Number.NaN)).toBe(NO_VALUE);
  });
});

describe("formatPercent", () => {
  it("formats fractions, with a decimal below 10% and an explicit sign for changes", () => {
    expect(formatPercent(0.4231, "en-US")).toBe("42%");
    expect(formatPercent(0.0512, "en-US")).toBe("5.1%");
    expect(formatPercent(0.125, "en-US", true)).toBe("+13%");
    expect(formatPercent(-0.2, "en-US", true)).toBe("-20%");
    expect(formatPercent(0, "en-US", true)).toBe("0%");
    expect(formatPercent(null)).toBe(NO_VALUE);
  });
});

describe("formatDuration", () => {
  it("shows the two largest units", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(45.4)).toBe("45s");
    expect(formatDuration(200)).toBe("3m 20s");
    expect(formatDuration(180)).toBe("3m");
    expect(formatDuration(3_930)).toBe("1h 5m");
    expect(formatDuration(2 * 86_400 + 3 * 3_600 + 59)).toBe("2d 3h");
    expect(formatDuration(-90)).toBe("-1m 30s");
    expect(formatDuration(null)).toBe(NO_VALUE);
  });
});

describe("formatMeasure", () => {
  it("picks the format from the measure type", () => {
    expect(formatMeasure(0.375, "bounce_rate", "en-US")).toBe("38%");
    expect(formatMeasure(200, "avg_session_duration", "en-US")).toBe("3m 20s");
    expect(formatMeasure(75, "time_on_page", "en-US")).toBe("1m 15s");
    expect(formatMeasure(1500, "count", "en-US")).toBe("1,500");
    expect(formatMeasure(1500, undefined, "en-US", true)).toBe("1.5K");
  });
  it("knows which measures add up across groups", () => {
    expect(isAdditive("count")).toBe(true);
    expect(isAdditive("sum")).toBe(true);
    expect(isAdditive("unique_users")).toBe(false);
    expect(isAdditive("bounce_rate")).toBe(false);
  });
});

describe("formatBucketLabel", () => {
  it("formats wall-clock labels for the interval without shifting them into the viewer's zone", () => {
    expect(formatBucketLabel("2025-03-05T00:00", "day", "en-US")).toBe("Mar 5");
    expect(formatBucketLabel("2025-03-05T00:00", "day", "en-US", "long")).toBe("Wed, Mar 5, 2025");
    expect(formatBucketLabel("2025-03-03T00:00", "week", "en-US", "long")).toBe("Week of Mar 3, 2025");
    expect(formatBucketLabel("2025-03-01T00:00", "month", "en-US")).toBe("Mar 2025");
    expect(formatBucketLabel("2025-03-01T00:00", "month", "de-DE", "long")).toBe("März 2025");
    expect(formatBucketLabel("2025-03-05T14:00", "hour", "en-US")).toBe("2:00 PM");
    expect(formatBucketLabel("2025-03-05", "day", "fr-FR")).toBe("5 mars");
  });
  it("returns labels it cannot parse unchanged", () => {
    expect(formatBucketLabel("not a date", "day")).toBe("not a date");
  });
});

describe("formatCount", () => {
  it("picks the noun's plural form from the locale's rules and groups digits", () => {
    const widgets = { one: "widget", other: "widgets" };
    expect(formatCount(1, widgets, "en-US")).toBe("1 widget");
    expect(formatCount(0, widgets, "en-US")).toBe("0 widgets");
    expect(formatCount(2, widgets, "en-US")).toBe("2 widgets");
    expect(formatCount(1204, { one: "event", other: "events" }, "en-US")).toBe("1,204 events");
    // French counts zero as singular.
    expect(formatCount(0, { one: "widget", other: "widgets" }, "fr-FR")).toBe("0 widget");
  });
});

describe("formatPoints", () => {
  it("tells a change of rate in signed percentage points", () => {
    expect(formatPoints(0.021, "en-US")).toBe("+2.1 pp");
    expect(formatPoints(0.38 - 0.415, "en-US")).toBe("-3.5 pp");
    expect(formatPoints(0, "en-US")).toBe("0.0 pp");
    expect(formatPoints(0.0215, "de-DE")).toBe("+2,2 pp");
    expect(formatPoints(null)).toBe(NO_VALUE);
  });

  it("formats every rate measure as a percentage", () => {
    expect(formatMeasure(0.125, "conversion_rate", "en-US")).toBe("13%");
    expect(formatMeasure(0.4, "bounce_rate", "en-US")).toBe("40%");
  });
});
