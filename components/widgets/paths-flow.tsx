"use client";
// Paths as a flow (Recharts' Sankey): one column per step, the start or end among them, each value a
// node sized by its sessions and links showing where they went next; "Other" is grey. The numbers
// (sessions and drop-off per value and step) are in a table: visually hidden under the flow, or
// shown on its own as the "table" visualisation.
import { Layer, Rectangle, ResponsiveContainer, Sankey } from "recharts";
import type { PathsResult } from "@/lib/query/results";
import { ChartFigure } from "./chart-figure";
import { OTHER_COLOR, seriesColor } from "./colors";
import { formatNumber, formatPercent } from "./format";
import { pathDropOffPhrase, pathNodeName, pathStepName, pathsSankeyData, type SankeyNodeDatum } from "./paths-items";
import { useLocale } from "./use-locale";

export interface PathsFlowProps {
  result: PathsResult;
  title?: string;
  accent?: string;
  locale?: string;
  height?: number;
}

/** Longer names are cut in the drawing (the table and the node's hover title keep them whole). */
const LABEL_CHARS = 22;

export function PathsTable({
  result,
  title,
  locale,
  className = "",
}: Omit<PathsFlowProps, "accent" | "height"> & { className?: string }) {
  const lang = useLocale(locale);
  const dropOff = pathDropOffPhrase(result.mode);
  return (
    <table className={`w-full text-sm tabular-nums ${className}`}>
      {title && <caption className="sr-only">{title}</caption>}
      <thead className="text-left text-slate-500 dark:text-slate-400">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">
            Step
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Page or event
          </th>
          <th scope="col" className="py-1 pr-3 text-right font-medium">
            Sessions
          </th>
          <th scope="col" className="py-1 pr-3 text-right font-medium">
            Share of step
          </th>
          <th scope="col" className="py-1 pr-3 text-right font-medium">
            {dropOff.charAt(0).toUpperCase() + dropOff.slice(1)}
          </th>
        </tr>
      </thead>
      <tbody>
        {result.steps.flatMap((step) =>
          step.nodes.map((node, i) => (
            <tr
              key={`${step.position}:${i}`}
              className={i === 0 ? "border-t border-slate-200 dark:border-slate-700" : ""}
            >
              <th scope="row" className="py-1 pr-3 text-left font-normal">
                {pathStepName(step.position, result.mode)}
              </th>
              <td
                className={`max-w-64 truncate py-1 pr-3 ${node.type === "other" ? "italic text-slate-500 dark:text-slate-400" : ""}`}
              >
                {pathNodeName(node)}
                {node.type === "event" && <span className="text-slate-500 dark:text-slate-400"> (event)</span>}
              </td>
              <td className="py-1 pr-3 text-right">{formatNumber(node.count, lang)}</td>
              <td className="py-1 pr-3 text-right">
                {formatPercent(step.count ? node.count / step.count : null, lang)}
              </td>
              <td className="py-1 pr-3 text-right">{formatNumber(node.drop_off, lang)}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

function FlowNode({
  x,
  y,
  width,
  height,
  payload,
  fill,
  lastStep,
  locale,
}: {
  x: number;
  y: number;
  width: number;
  height: number;
  payload: SankeyNodeDatum;
  fill: string;
  lastStep: number;
  locale: string;
}) {
  const atEnd = payload.step === lastStep;
  const name = payload.name.length > LABEL_CHARS ? `${payload.name.slice(0, LABEL_CHARS - 1)}…` : payload.name;
  return (
    <Layer>
      <title>{`${payload.name}: ${formatNumber(payload.count, locale)} sessions`}</title>
      <Rectangle x={x} y={y} width={width} height={Math.max(height, 1)} fill={fill} radius={2} />
      <text
        x={atEnd ? x - 6 : x + width + 6}
        y={y + height / 2}
        dy="0.35em"
        textAnchor={atEnd ? "end" : "start"}
        fontSize={11}
        fill="currentColor"
      >
        {`${name} ${formatNumber(payload.count, locale, true)}`}
      </text>
    </Layer>
  );
}

/** One colour per page or event wherever it appears (the first seen gets the accent), "Other" grey. */
function nodeFills(nodes: readonly SankeyNodeDatum[], accent?: string): string[] {
  const colours = new Map<string, string>();
  return nodes.map((node) => {
    if (node.type === "other") return OTHER_COLOR;
    const key = `${node.type}:${node.name}`;
    if (!colours.has(key)) colours.set(key, seriesColor(colours.size, accent));
    return colours.get(key)!;
  });
}

export function PathsFlow({ result, title = "Paths", accent, locale, height }: PathsFlowProps) {
  const lang = useLocale(locale);
  const data = pathsSankeyData(result);
  const fills = nodeFills(data.nodes, accent);
  // Room for every value of the busiest step (each node keeps a readable label).
  const busiest = Math.max(...result.steps.map((step) => step.nodes.length), 1);
  const drawnHeight = height ?? Math.max(320, busiest * 28);
  const anchor = result.steps.find((step) => step.position === 0);
  const lastStep = Math.max(...data.nodes.map((node) => node.step), 0);
  const summary = `Flow of ${title}: ${formatNumber(anchor?.count ?? 0, lang)} sessions ${result.mode === "start" ? "from" : "to"} ${result.anchor.value}, over ${result.steps.length - 1} steps ${result.mode === "start" ? "after" : "before"} it.`;
  return (
    <ChartFigure
      summary={summary}
      height={drawnHeight}
      table={<PathsTable result={result} title={title} locale={lang} />}
    >
      {data.links.length === 0 ? (
        <p className="flex h-full items-center justify-center text-sm">
          {`${formatNumber(anchor?.count ?? 0, lang)} sessions, none with a step ${result.mode === "start" ? "after" : "before"} it`}
        </p>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          {/* No accessibility layer: a focusable SVG inside role="img" would be hidden interactive content; the table carries the data. */}
          <Sankey
            data={data}
            accessibilityLayer={false}
            align="left"
            sort={false}
            nodePadding={12}
            nodeWidth={10}
            margin={{ top: 8, right: 8, bottom: 8, left: 8 }}
            link={{ stroke: "currentColor", strokeOpacity: 0.2 }}
            node={(props) => (
              <FlowNode
                x={props.x}
                y={props.y}
                width={props.width}
                height={props.height}
                payload={props.payload as unknown as SankeyNodeDatum}
                fill={fills[props.index] ?? OTHER_COLOR}
                lastStep={lastStep}
                locale={lang}
              />
            )}
          />
        </ResponsiveContainer>
      )}
    </ChartFigure>
  );
}
