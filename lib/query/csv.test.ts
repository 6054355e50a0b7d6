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
    expect(csv).toBe(["path,value", '"/a,""b""",3', `"'=HYPERLINK(""x"")",-2`, "(none),1", "Other,4", ""].join("\n"));
  });

  it("names files after the title", () => {
    expect(csvFileName("Sign-ups by week!")).toBe("sign-ups-by-week.csv");
    expect(csvFileName("***")).toBe("data.csv");
  });
});
