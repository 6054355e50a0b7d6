"use client";
// "Active now": visitors in the last 5 minutes and events in the last minute, pushed by the
// project's stream as events arrive (the page opens it once: useProjectLive). The dot is green
// while the stream is connected, and then the page's numbers are live. Dashes stand for the numbers
// until the first arrive.
import type { ProjectLiveState } from "@/components/hooks/use-project-live";
import { formatNumber, pluralForm } from "@/components/widgets/format";
import { useLocale } from "@/components/widgets/use-locale";

export function ActiveNow({ live, status }: ProjectLiveState) {
  const connected = status === "open";
  const locale = useLocale();
  return (
    <p
      className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300"
      aria-live="polite"
      data-live={connected && live ? "open" : "connecting"}
    >
      <span
        className={`inline-block h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-slate-400"}`}
        title={connected ? "Live" : "Reconnecting…"}
        aria-hidden
      />
      <span>
        <span data-testid="active-now">{live ? formatNumber(live.active_visitors, locale) : "–"}</span> active now
      </span>
      {/* Drawn before the first numbers too, so the line keeps its width and nothing beside or below it moves when they come. */}
      <span className="text-slate-600 dark:text-slate-400">
        · <span data-testid="events-last-minute">{live ? formatNumber(live.events_last_minute, locale) : "–"}</span>{" "}
        {live ? pluralForm(live.events_last_minute, { one: "event", other: "events" }, locale) : "events"} in the last
        minute
      </span>
    </p>
  );
}
