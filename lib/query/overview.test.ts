import { describe, expect, it } from "vitest";
import { BREAKDOWN_PANELS, breakdownPanelOf, overviewRequests, selectPanelRow } from "./overview";
import { DEFAULT_VIEW } from "./view-state";

describe("clicking an overview row", () => {
  it("drills down on the panel's dimension, and on a custom event keeps the visitors who did it", () => {
    const country = selectPanelRow(DEFAULT_VIEW, breakdownPanelOf("country"), "FR");
    expect(country.filters).toEqual([{ field: "country", op: "equals", value: "FR" }]);
    const signedUp = selectPanelRow(country, breakdownPanelOf("event"), "signup");
    expect(signedUp.filters).toEqual([
      { field: "country", op: "equals", value: "FR" },
      { field: "performed", op: "equals", value: "signup" },
    ]);
    // "Not set" keeps the events without a value, whatever the panel.
    expect(selectPanelRow(DEFAULT_VIEW, breakdownPanelOf("referrer"), null).filters).toEqual([
      { field: "referrer", op: "is_not_set" },
    ]);
  });

  it("adds the conversion rate to the headline metrics once a custom event is clicked", () => {
    const signedUp = selectPanelRow(DEFAULT_VIEW, breakdownPanelOf("event"), "signup");
    const titles = overviewRequests(signedUp).map((r) => r.title);
    expect(titles).toContain("Conversion rate");
    expect(overviewRequests(DEFAULT_VIEW).map((r) => r.title)).not.toContain("Conversion rate");
    expect(titles).toHaveLength(overviewRequests(DEFAULT_VIEW).length + 1);
  });

  it("finds only the top-level panels, not their tabs", () => {
    expect(breakdownPanelOf("path").title).toBe("Top pages");
    expect(() => breakdownPanelOf("entry_page")).toThrow();
    expect(BREAKDOWN_PANELS.map((p) => p.dimension)).toContain("event");
  });
});
