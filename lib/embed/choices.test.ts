// Viewer choices: how they travel in URLs and host messages, and what an embed lets through.
import { describe, expect, it } from "vitest";
import { DIMENSIONS } from "../query/vocabulary";
import { applyChoicesChange, choicesKey, choicesToSearchParams, keepEditable, nonEditableFields } from "./choices";
import { parseHostAction } from "./host-messages";
import { readChoicesStrictly, readEditableChoices } from "./read-choices";
import type { EditableField, ViewerChoices } from "./schemas";

const params = (query: string) => new URLSearchParams(query);
const everything: EditableField[] = ["range", ...DIMENSIONS];

describe("viewer choices in URLs", () => {
  it("round-trip through query parameters in a stable order", () => {
    const choices: ViewerChoices = { range: { relative: "last_7_days" }, filters: { device: "mobile", country: "DE" } };
    const query = choicesToSearchParams(choices).toString();
    expect(query).toBe("range=last_7_days&filter.country=DE&filter.device=mobile");
    expect(readChoicesStrictly(params(query), everything)).toEqual(choices);
    expect(choicesKey({ filters: { country: "DE", device: "mobile" }, range: { relative: "last_7_days" } })).toBe(
      query,
    );
    expect(readChoicesStrictly(params("from=2026-11-01&to=2026-11-07&utm=x&theme=dark"), everything)).toEqual({
      range: { from: "2026-11-01", to: "2026-11-07" },
      filters: {},
    });
  });

  it("are refused by the API when malformed (400) or not editable (403)", () => {
    for (const query of [
      "range=forever",
      "from=2026-11-07&to=2026-11-01",
      "from=2026-11-07",
      "filter.properties.customer_id=7",
      "filter.country=",
    ]) {
      expect(() => readChoicesStrictly(params(query), everything), query).toThrow(
        expect.objectContaining({ code: "invalid_request" }),
      );
    }
    expect(() =>
      readChoicesStrictly(params("range=today&filter.country=DE&filter.device=mobile"), ["country"]),
    ).toThrow(expect.objectContaining({ code: "forbidden", message: "Not editable in this embed: range, device" }));
  });

  it("are kept from a page URL only where editable and valid", () => {
    const url = params(
      "range=last_7_days&filter.country=DE&filter.browser=Firefox&filter.properties.customer_id=7&filter.device=",
    );
    expect(readEditableChoices(url, ["country"])).toEqual({ filters: { country: "DE" } });
    expect(readEditableChoices(url, ["range", "device"])).toEqual({ range: { relative: "last_7_days" }, filters: {} });
    expect(readEditableChoices(params("range=forever"), ["range"])).toEqual({ filters: {} });
  });
});

describe("what an embed lets a viewer change", () => {
  it("names every field that is not editable", () => {
    expect(
      nonEditableFields(
        { range: { relative: "today" }, filters: { country: "DE", browser: "x", "properties.customer_id": "7" } },
        ["country"],
      ),
    ).toEqual(["range", "browser", "properties.customer_id"]);
    expect(nonEditableFields({ range: null, filters: { range: "x" } }, ["range"])).toEqual(["range"]);
    expect(nonEditableFields({ filters: { country: null } }, ["country"])).toEqual([]);
  });

  it("drops choices a narrower token no longer allows", () => {
    expect(
      keepEditable({ range: { relative: "today" }, filters: { country: "DE", device: "mobile" } }, ["device"]),
    ).toEqual({ filters: { device: "mobile" } });
  });

  it("applies a change: values set or cleared, the range replaced or reset", () => {
    const start: ViewerChoices = { range: { relative: "today" }, filters: { country: "DE" } };
    expect(applyChoicesChange(start, { filters: { device: "mobile" } })).toEqual({
      range: { relative: "today" },
      filters: { country: "DE", device: "mobile" },
    });
    expect(applyChoicesChange(start, { range: null, filters: { country: null } })).toEqual({ filters: {} });
  });
});

describe("host actions", () => {
  it("accept the documented shapes and refuse others with a reason", () => {
    expect(parseHostAction({ lumen: 1, type: "set-theme", mode: "dark" })).toEqual({
      ok: true,
      action: { type: "set-theme", mode: "dark" },
    });
    expect(
      parseHostAction({
        lumen: 1,
        type: "set-filter",
        range: { relative: "last_7_days" },
        filters: { country: "DE", device: null },
      }),
    ).toEqual({
      ok: true,
      action: { type: "set-filter", range: { relative: "last_7_days" }, filters: { country: "DE", device: null } },
    });
    expect(parseHostAction({ lumen: 1, type: "set-filter", range: null })).toEqual({
      ok: true,
      action: { type: "set-filter", range: null },
    });
    expect(parseHostAction({ lumen: 1, type: "refresh" })).toEqual({ ok: true, action: { type: "refresh" } });
    expect(parseHostAction({ lumen: 1, type: "set-token", token: "a.b.c" })).toEqual({
      ok: true,
      action: { type: "set-token", token: "a.b.c" },
    });
    expect(parseHostAction({ lumen: 1, type: "set-theme", mode: "sepia" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("mode"),
    });
    expect(parseHostAction({ lumen: 1, type: "set-filter", range: { relative: "forever" } })).toMatchObject({
      ok: false,
      message: expect.stringContaining("range"),
    });
    expect(parseHostAction({ lumen: 1, type: "set-filter", filters: { country: 42 } })).toMatchObject({
      ok: false,
      message: expect.stringContaining("filters"),
    });
    expect(parseHostAction({ lumen: 1, type: "set-token" })).toMatchObject({ ok: false });
    expect(parseHostAction({ lumen: 1, type: "drop-tables" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("unknown action"),
    });
  });
});
