// A paths result in words and as Recharts' Sankey data: names of steps and values, and the flow's
// nodes and links. Kept apart from the SVG so it can be tested without a browser.
import type { PathNode, PathsResult } from "@/lib/query/results";

/** "Start", "Step 2" after a start; "End", "2 steps before" before an end. */
export function pathStepName(position: number, mode: PathsResult["mode"]): string {
  if (position === 0) return mode === "start" ? "Start" : "End";
  if (position > 0) return `Step ${position}`;
  return position === -1 ? "1 step before" : `${-position} steps before`;
}

/** A value as people read it: the page's path, the event's name, "Other". */
export function pathNodeName(node: Pick<PathNode, "type" | "value">): string {
  if (node.type === "other") return "Other";
  if (node.type === "page") return node.value || "(page without a path)";
  return node.value ?? "";
}

/** What a node's drop-off means in each mode. */
export function pathDropOffPhrase(mode: PathsResult["mode"]): string {
  return mode === "start" ? "ended here" : "began here";
}

export interface SankeyNodeDatum {
  name: string;
  type: PathNode["type"];
  /** Index into result.steps, and into that step's nodes. */
  step: number;
  index: number;
  count: number;
  dropOff: number;
}

/**
 * Recharts places a node in the column of its longest incoming path. A value every session of which
 * began at it (before an end) has no incoming link and would be drawn in the first column: a
 * vanishingly thin link from the step before keeps it in its own. Steps before the first with
 * sessions are left out, so that step always exists.
 */
const PLACEHOLDER_LINK = 1e-9;

export function pathsSankeyData(result: PathsResult): {
  nodes: SankeyNodeDatum[];
  links: { source: number; target: number; value: number }[];
} {
  const shown = result.steps.flatMap((step, i) => (step.count > 0 ? [i] : []));
  const first = shown[0] ?? 0;
  const nodes: SankeyNodeDatum[] = [];
  const ids = new Map<string, number>();
  result.steps.forEach((step, i) => {
    if (i < first) return;
    step.nodes.forEach((node, index) => {
      ids.set(`${i}:${index}`, nodes.length);
      nodes.push({
        name: pathNodeName(node),
        type: node.type,
        step: i,
        index,
        count: node.count,
        dropOff: node.drop_off,
      });
    });
  });
  const links = result.links.flatMap((link) => {
    const source = ids.get(`${link.step}:${link.from}`);
    const target = ids.get(`${link.step + 1}:${link.to}`);
    return source === undefined || target === undefined ? [] : [{ source, target, value: link.count }];
  });
  const reached = new Set(links.map((link) => link.target));
  for (const [id, node] of nodes.entries()) {
    const before = ids.get(`${node.step - 1}:0`);
    if (node.step > first && !reached.has(id) && before !== undefined)
      links.push({ source: before, target: id, value: PLACEHOLDER_LINK });
  }
  return { nodes, links };
}
