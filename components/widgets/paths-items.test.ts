// A paths result as the flow's nodes and links, and in words.
import { describe, expect, it } from "vitest";
import type { PathsResult } from "@/lib/query/results";
import { pathNodeName, pathStepName, pathsSankeyData } from "./paths-items";

const node = (type: "page" | "event" | "other", value: string | null, count: number, drop_off = 0) => ({
  type,
  value,
  count,
  drop_off,
});

describe("pathsSankeyData", () => {
  it("numbers the nodes step by step and links them by those numbers", () => {
    const result: PathsResult = {
      kind: "paths",
      mode: "start",
      anchor: { type: "page", value: "/" },
      steps: [
        { position: 0, count: 3, drop_off: 1, nodes: [node("page", "/", 3, 1)] },
        { position: 1, count: 2, drop_off: 2, nodes: [node("event", "signup", 1, 1), node("other", null, 1, 1)] },
      ],
      links: [
        { step: 0, from: 0, to: 0, count: 1 },
        { step: 0, from: 0, to: 1, count: 1 },
      ],
    };
    const data = pathsSankeyData(result);
    expect(data.nodes.map((n) => [n.name, n.step, n.count])).toEqual([
      ["/", 0, 3],
      ["signup", 1, 1],
      ["Other", 1, 1],
    ]);
    expect(data.links).toEqual([
      { source: 0, target: 1, value: 1 },
      { source: 0, target: 2, value: 1 },
    ]);
  });

  it("leaves out empty steps before an end, and keeps a value where sessions began in its own column", () => {
    const result: PathsResult = {
      kind: "paths",
      mode: "end",
      anchor: { type: "event", value: "signup" },
      steps: [
        { position: -3, count: 0, drop_off: 0, nodes: [] },
        { position: -2, count: 1, drop_off: 1, nodes: [node("page", "/docs", 1, 1)] },
        { position: -1, count: 2, drop_off: 1, nodes: [node("page", "/pricing", 1, 0), node("page", "/", 1, 1)] },
        { position: 0, count: 2, drop_off: 0, nodes: [node("event", "signup", 2, 0)] },
      ],
      links: [
        { step: 1, from: 0, to: 0, count: 1 },
        { step: 2, from: 0, to: 0, count: 1 },
        { step: 2, from: 1, to: 0, count: 1 },
      ],
    };
    const data = pathsSankeyData(result);
    expect(data.nodes.map((n) => [n.name, n.step])).toEqual([
      ["/docs", 1],
      ["/pricing", 2],
      ["/", 2],
      ["signup", 3],
    ]);
    // Its one session began at "/": without a link in, Recharts would draw it in the first column.
    expect(data.links).toEqual([
      { source: 0, target: 1, value: 1 },
      { source: 1, target: 3, value: 1 },
      { source: 2, target: 3, value: 1 },
      { source: 0, target: 2, value: 1e-9 },
    ]);
  });
});

describe("names", () => {
  it("names steps by their place and values as people read them", () => {
    expect(pathStepName(0, "start")).toBe("Start");
    expect(pathStepName(2, "start")).toBe("Step 2");
    expect(pathStepName(0, "end")).toBe("End");
    expect(pathStepName(-1, "end")).toBe("1 step before");
    expect(pathStepName(-3, "end")).toBe("3 steps before");
    expect(pathNodeName({ type: "page", value: "" })).toBe("(page without a path)");
    expect(pathNodeName({ type: "other", value: null })).toBe("Other");
  });
});
