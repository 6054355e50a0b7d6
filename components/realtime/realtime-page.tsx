"use client";
// The realtime page: who is here now, on which pages, the last 30 minutes per minute, and the latest
// events as they arrive, all from one snapshot the project's stream keeps fresh (no reload, no
// polling). Analysts and up see who did each event, linked to that person's timeline.
import Link from "next/link";
import { useRealtimeSnapshot } from "@/components/hooks/use-realtime-snapshot";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import type { RealtimeSnapshot } from "@/lib/realtime/realtime-schemas";
import { MinutesChart } from "./minutes-chart";

const card = "rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";
const heading = "mb-3 text-sm font-semibold text-slate-700 dark:text-slate-300";

function personHref(projectId: string, person: NonNullable<RealtimeSnapshot["feed"][number]["person"]>): string {
  const query = person.user_id
    ? `user_id=${encodeURIComponent(person.user_id)}`
    : `anonymous_id=${encodeURIComponent(person.anonymous_id ?? "")}`;
  return `/projects/${projectId}/people?${query}`;
}

function CurrentPages({ pages }: { pages: RealtimeSnapshot["current_pages"] }) {
  if (pages.length === 0) return <EmptyState title="Nobody is on a page right now." />;
  return (
    <ul className="flex flex-col gap-1 text-sm" data-testid="current-pages">
      {pages.map((page) => (
        <li key={page.path} className="flex justify-between gap-3">
          <span className="truncate font-mono">{page.path}</span>
          <span className="tabular-nums">{page.visitors.toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}

function Feed({ projectId, feed }: { projectId: string; feed: RealtimeSnapshot["feed"] }) {
  if (feed.length === 0) return <EmptyState title="No events in the last 30 minutes." />;
  return (
    <ol className="flex flex-col divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="realtime-feed">
      {feed.map((event) => (
        <li key={event.event_id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-1.5">
          <time dateTime={event.timestamp} className="tabular-nums text-slate-600 dark:text-slate-400">
            {new Date(event.timestamp).toLocaleTimeString()}
          </time>
          <span className="font-medium">{event.name}</span>
          {event.path && <span className="truncate font-mono text-slate-700 dark:text-slate-300">{event.path}</span>}
          <span className="text-slate-600 dark:text-slate-400">
            {[event.country, event.device, event.browser].filter(Boolean).join(" · ")}
          </span>
          {event.person && (
            <Link
              href={personHref(projectId, event.person)}
              className="ml-auto text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
            >
              {event.person.user_id ?? event.person.anonymous_id}
            </Link>
          )}
        </li>
      ))}
    </ol>
  );
}

export function RealtimePage({ projectId }: { projectId: string }) {
  const { live, snapshot } = useRealtimeSnapshot(projectId);
  const data = snapshot.data;
  const connected = live.status === "open";
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold">Realtime</h2>
        <p
          className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300"
          data-live={connected ? "open" : "connecting"}
        >
          <span
            className={`inline-block h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-slate-400"}`}
            aria-hidden
          />
          {connected ? "Live" : "Reconnecting…"}
        </p>
      </div>
      {snapshot.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {snapshot.error.message}
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-3">
        <section className={card} aria-labelledby="active-heading">
          <h3 id="active-heading" className={heading}>
            Active visitors (last 5 minutes)
          </h3>
          {data ? (
            <p className="text-4xl font-semibold tabular-nums" aria-live="polite" data-testid="realtime-active">
              {data.active_visitors.toLocaleString()}
            </p>
          ) : (
            <Skeleton className="h-10 w-20" />
          )}
        </section>
        <section className={`${card} md:col-span-2`} aria-labelledby="minutes-heading">
          <h3 id="minutes-heading" className={heading}>
            Last 30 minutes
          </h3>
          {data ? <MinutesChart minutes={data.minutes} /> : <Skeleton className="h-36 w-full" />}
        </section>
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        <section className={card} aria-labelledby="pages-heading">
          <h3 id="pages-heading" className={heading}>
            Current pages
          </h3>
          {data ? <CurrentPages pages={data.current_pages} /> : <Skeleton className="h-24 w-full" />}
        </section>
        <section className={`${card} md:col-span-2`} aria-labelledby="feed-heading">
          <h3 id="feed-heading" className={heading}>
            Live events
          </h3>
          {data ? <Feed projectId={projectId} feed={data.feed} /> : <Skeleton className="h-24 w-full" />}
        </section>
      </div>
    </div>
  );
}
