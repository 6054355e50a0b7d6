// CSV export: quoting, and text a spreadsheet would otherwise run as a formula.
import { describe, expect, it } from "vitest";
import { csvFileName, resultToCsv } from "./csv";

describe("resultToCsv", () => {
  it("quotes separators and neutralises formulas in text, not in numbers", () => {
    const csv = resultToCsv({
      kind: "breakdown",
      dimension: "path",
      rows: [
        { value: '/a,"b"', measure: 3 },
        { value: '=HYPERLINK("x")', measure: -2 },
        { value: null, measure: 1 },
      ],
      other: 4,
    });
    expect(csv).toBe(["Page,Value", '"/a,""b""",3', `"'=HYPERLINK(""x"")",-2`, "Not set,1", "Other,4", ""].join("\n"));
  });

  it("heads new vs returning in words: the dimension, a trend's series, the measure as given", () => {
    const split = resultToCsv(
      {
        kind: "breakdown",
        dimension: "visitor_type",
        rows: [
          { value: "new", measure: 2 },
          { value: "returning", measure: 1 },
        ],
        other: null,
      },
      { valueHeading: "Visitors" },
    );
    expect(split).toBe("Visitor type,Visitors\nnew,2\nreturning,1\n");
    const perDay = resultToCsv({
      kind: "trend",
      interval: "day",
      dimension: "visitor_type",
      buckets: [{ start: "2026-03-05T00:00:00.000Z", label: "2026-03-05" }],
      series: [
        { key: "new", other: false, values: [2], total: 2 },
        { key: "returning", other: false, values: [1], total: 1 },
      ],
    });
    expect(perDay).toBe("Day,New,Returning\n2026-03-05,2,1\n");
    const byFirstReferrer = resultToCsv({
      kind: "breakdown",
      dimension: "first_referrer",
      rows: [{ value: null, measure: 3 }],
      other: null,
    });
    expect(byFirstReferrer).toBe("First referrer,Value\nDirect / none,3\n");
  });

  it("heads columns in the widgets' words and keeps stored values in the cells", () => {
    const breakdown = resultToCsv(
      {
        kind: "breakdown",
        dimension: "referrer",
        rows: [
          { value: "google.com", measure: 3 },
          { value: null, measure: 2 },
        ],
        other: null,
      },
      { valueHeading: "Visitors" },
    );
    expect(breakdown).toBe("Referrer,Visitors\ngoogle.com,3\nDirect / none,2\n");
    const byCountry = resultToCsv(
      {
        kind: "trend",
        interval: "day",
        dimension: "country",
        buckets: [{ start: "2026-03-05T00:00:00.000Z", label: "2026-03-05" }],
        series: [
          { key: "FR", other: false, values: [4], total: 4 },
          { key: null, other: false, values: [1], total: 1 },
          { key: null, other: true, values: [2], total: 2 },
        ],
      },
      { locale: "en-US" },
    );
    expect(byCountry).toBe("Day,France,Unknown,Other\n2026-03-05,4,1,2\n");
    const retention = resultToCsv({
      kind: "retention",
      period: "week",
      cohorts: [{ start: "2026-03-02", label: "2026-03-02", size: 5, counts: [5, 2], rates: [1, 0.4] }],
    });
    expect(retention.split("\n")[0]).toBe("Cohort,Users,Week 0,Week 1");
  });

  it("writes a compared trend's previous period beside each series, and a metric's change with its unit", () => {
    const trend = resultToCsv({
      kind: "trend",
      interval: "hour",
      buckets: [
        { start: "2026-11-18T13:00:00.000Z", label: "2026-11-18T14:00" },
        { start: "2026-11-18T14:00:00.000Z", label: "2026-11-18T15:00" },
      ],
      series: [{ key: null, other: false, values: [2, null], total: 2 }],
      previous: {
        range: { from: "2026-11-16T23:00:00.000Z", to: "2026-11-17T23:00:00.000Z" },
        buckets: [null, null],
        series: [{ key: null, other: false, values: [4, 0], total: 4 }],
      },
    });
    expect(trend).toBe(
      ["Hour,Value,Value (previous period)", "2026-11-18T14:00,2,4", "2026-11-18T15:00,,0", ""].join("\n"),
    );
    const metric = resultToCsv({
      kind: "metric",
      value: 0.75,
      previous: 0.6,
      change: 0.15,
      change_unit: "points",
      previous_range: null,
    });
    expect(metric).toBe(["Value,Previous period,Change,Change unit", "0.75,0.6,0.15,points", ""].join("\n"));
  });

  it("lists a path's values step by step, with what ended (or began) there, and neutralises page formulas", () => {
    const csv = resultToCsv({
      kind: "paths",
      mode: "end",
      anchor: { type: "event", value: "signup" },
      steps: [
        {
          position: -1,
          count: 3,
          drop_off: 1,
          nodes: [
            { type: "page", value: "=cmd", count: 2, drop_off: 0 },
            { type: "other", value: null, count: 1, drop_off: 1 },
          ],
        },
        { position: 0, count: 4, drop_off: 1, nodes: [{ type: "event", value: "signup", count: 4, drop_off: 1 }] },
      ],
      links: [{ step: 0, from: 0, to: 0, count: 2 }],
    });
    expect(csv).toBe(
      [
        "Position,Type,Page or event,Sessions,Began here,Step sessions",
        "-1,page,'=cmd,2,0,3",
        "-1,other,Other,1,1,3",
        "0,event,signup,4,1,4",
        "",
      ].join("\n"),
    );
  });

  it("names files after the title", () => {
    expect(csvFileName("Sign-ups by week!")).toBe("sign-ups-by-week.csv");
    expect(csvFileName("***")).toBe("data.csv");
  });
});
