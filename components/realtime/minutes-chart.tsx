// The last 30 minutes per minute: events as bars, visitors as a line, the current minute last. Props
// in, SVG out; the numbers are also in a table for screen readers.
import { formatCount } from "@/components/widgets/format";
import type { RealtimeSnapshot } from "@/lib/realtime/realtime-schemas";

const WIDTH = 600;
const HEIGHT = 140;
const PAD = 4;

const EVENTS = { one: "event", other: "events" };
const VISITORS = { one: "visitor", other: "visitors" };

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function MinutesChart({ minutes }: { minutes: RealtimeSnapshot["minutes"] }) {
  const max = Math.max(1, ...minutes.map((m) => Math.max(m.events, m.visitors)));
  const slot = WIDTH / Math.max(1, minutes.length);
  const y = (value: number) => HEIGHT - PAD - (value / max) * (HEIGHT - 2 * PAD);
  const line = minutes.map((m, i) => `${i === 0 ? "M" : "L"}${(i + 0.5) * slot},${y(m.visitors)}`).join(" ");
  return (
    <figure
      className="flex flex-col gap-2"
      data-testid="minutes-chart"
      data-events={minutes.reduce((sum, m) => sum + m.events, 0)}
    >
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-36 w-full" role="img">
        <title>Events and visitors per minute, last 30 minutes</title>
        {minutes.map((m, i) => (
          <rect
            key={m.minute}
            x={i * slot + 1}
            y={y(m.events)}
            width={Math.max(1, slot - 2)}
            height={HEIGHT - PAD - y(m.events)}
            className="fill-indigo-400 dark:fill-indigo-500"
          >
            <title>{`${clock(m.minute)}: ${formatCount(m.events, EVENTS)}, ${formatCount(m.visitors, VISITORS)}`}</title>
          </rect>
        ))}
        <path d={line} fill="none" strokeWidth={2} className="stroke-emerald-600 dark:stroke-emerald-400" />
      </svg>
      <figcaption className="flex justify-between text-xs text-slate-600 dark:text-slate-400">
        <span>{minutes[0] ? clock(minutes[0].minute) : ""}</span>
        <span>
          <span className="text-indigo-700 dark:text-indigo-300">■</span> events per minute ·{" "}
          <span className="text-emerald-700 dark:text-emerald-400">—</span> visitors per minute
        </span>
        <span>now</span>
      </figcaption>
      <table className="sr-only">
        <caption>Events and visitors per minute, last 30 minutes</caption>
        <thead>
          <tr>
            <th scope="col">Minute</th>
            <th scope="col">Events</th>
            <th scope="col">Visitors</th>
          </tr>
        </thead>
        <tbody>
          {minutes.map((m) => (
            <tr key={m.minute}>
              <td>{clock(m.minute)}</td>
              <td>{m.events}</td>
              <td>{m.visitors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
