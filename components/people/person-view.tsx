"use client";
// One person: the profile (their ids, first and last seen, device, first source, sessions) and their
// events, newest first, each with its properties: an anonymous id later identified as a user is one
// history, looked up by either; "Load older events" follows the API's cursor. Nobody with
// that id: said plainly, not as an error.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiClientError, apiFetch } from "@/lib/api/client";
import { type PersonEvent, type PersonProfile, personProfileSchema, timelinePageSchema } from "@/lib/people/schemas";
import { PersonDeletion } from "./person-deletion";

export type Lookup = { kind: "user_id" | "anonymous_id"; id: string };

const PAGE_SIZE = 50;
const card = "rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";
const heading = "mb-3 text-sm font-semibold text-slate-700 dark:text-slate-300";
const when = (iso: string) => new Date(iso).toLocaleString();

function describe(lookup: Lookup): string {
  return `${lookup.kind === "user_id" ? "user id" : "anonymous id"} "${lookup.id}"`;
}

function Profile({ profile }: { profile: PersonProfile }) {
  const source = profile.first_source;
  const utm = [source.utm_source, source.utm_medium, source.utm_campaign].filter(Boolean).join(" / ");
  const { identity } = profile;
  const rows: [string, string][] = [
    ...(identity.user_id !== null ? [["User id", identity.user_id] as [string, string]] : []),
    ...(identity.anonymous_ids.length > 0
      ? [["Anonymous ids", identity.anonymous_ids.join(", ")] as [string, string]]
      : []),
    ["First seen", when(profile.first_seen)],
    ["Last seen", when(profile.last_seen)],
    ["Device", profile.device ?? "—"],
    ["Browser", profile.browser ?? "—"],
    ["OS", profile.os ?? "—"],
    ["Country", profile.country ?? "—"],
    ["First referrer", source.referrer ?? "Direct"],
    ["First UTM", utm || "—"],
    ["First page", source.path ?? "—"],
  ];
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="person-profile">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
          <dd data-field={label}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Sessions({ profile }: { profile: PersonProfile }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="person-sessions">
        <thead className="text-slate-600 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Started
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Ended
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Events
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Pageviews
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Entry → exit
            </th>
            <th scope="col" className="py-1 font-medium">
              Session
            </th>
          </tr>
        </thead>
        <tbody>
          {profile.sessions.map((s) => (
            <tr key={`${s.session_id}:${s.started_at}`} className="border-t border-slate-100 dark:border-slate-800">
              <td className="py-1 pr-3">{when(s.started_at)}</td>
              <td className="py-1 pr-3">{when(s.ended_at)}</td>
              <td className="py-1 pr-3 tabular-nums">{s.events}</td>
              <td className="py-1 pr-3 tabular-nums">{s.pageviews}</td>
              <td className="py-1 pr-3 font-mono">
                {s.entry_path ?? "—"} → {s.exit_path ?? "—"}
              </td>
              <td className="py-1 font-mono">{s.session_id ?? "by 30-minute gap"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!profile.sessions_complete && (
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
          Sessions of their latest events only; older ones are in the timeline.
        </p>
      )}
    </div>
  );
}

function TimelineEvent({ event }: { event: PersonEvent }) {
  const properties = Object.keys(event.properties).length > 0 ? JSON.stringify(event.properties, null, 2) : null;
  return (
    <li className="flex flex-col gap-1 py-2" data-testid="person-event">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <time dateTime={event.timestamp} className="tabular-nums text-slate-600 dark:text-slate-400">
          {when(event.timestamp)}
        </time>
        <span className="font-medium">{event.name}</span>
        {event.path && <span className="font-mono text-slate-700 dark:text-slate-300">{event.path}</span>}
        {event.session_id && (
          <span className="text-xs text-slate-600 dark:text-slate-400">session {event.session_id}</span>
        )}
      </div>
      {properties && (
        <pre className="overflow-x-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950">{properties}</pre>
      )}
    </li>
  );
}

function Timeline({ projectId, lookup }: { projectId: string; lookup: Lookup }) {
  const timeline = useInfiniteQuery({
    queryKey: ["people", projectId, lookup.kind, lookup.id, "events"],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const params = new URLSearchParams({ [lookup.kind]: lookup.id, limit: String(PAGE_SIZE) });
      if (pageParam) params.set("cursor", pageParam);
      return timelinePageSchema.parse(await apiFetch(`/api/v1/projects/${projectId}/people/events?${params}`));
    },
    getNextPageParam: (last) => last.next_cursor,
  });
  const events = timeline.data?.pages.flatMap((page) => page.events) ?? [];
  if (timeline.error)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {timeline.error.message}
      </p>
    );
  if (!timeline.data) return <Skeleton className="h-32 w-full" />;
  return (
    <div className="flex flex-col gap-2">
      <ol className="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="person-timeline">
        {events.map((event) => (
          <TimelineEvent key={event.event_id} event={event} />
        ))}
      </ol>
      {timeline.hasNextPage ? (
        <Button
          onClick={() => void timeline.fetchNextPage()}
          disabled={timeline.isFetchingNextPage}
          className="self-start"
        >
          {timeline.isFetchingNextPage ? "Loading…" : "Load older events"}
        </Button>
      ) : (
        <p className="text-xs text-slate-600 dark:text-slate-400">That is their first event.</p>
      )}
    </div>
  );
}

export function PersonView({
  projectId,
  lookup,
  canDelete,
}: {
  projectId: string;
  lookup: Lookup;
  canDelete: boolean;
}) {
  const profile = useQuery({
    queryKey: ["people", projectId, lookup.kind, lookup.id, "profile"],
    queryFn: async () =>
      personProfileSchema.parse(
        await apiFetch(`/api/v1/projects/${projectId}/people?${new URLSearchParams({ [lookup.kind]: lookup.id })}`),
      ),
    retry: (failures, error) => !(error instanceof ApiClientError && error.status < 500) && failures < 2,
  });
  if (profile.error instanceof ApiClientError && profile.error.status === 404)
    return (
      <p role="status" className="text-sm" data-testid="person-not-found">
        Nobody in this project has {describe(lookup)}.
      </p>
    );
  if (profile.error)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {profile.error.message}
      </p>
    );
  if (!profile.data) return <Skeleton className="h-40 w-full" />;
  return (
    <div className="flex flex-col gap-4">
      <h3 className="text-base font-semibold">
        {lookup.kind === "user_id" ? "User" : "Anonymous visitor"} <span className="font-mono">{lookup.id}</span>
      </h3>
      {lookup.kind === "anonymous_id" && profile.data.identity.user_id !== null && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="person-identified">
          Later identified as user <span className="font-mono">{profile.data.identity.user_id}</span>: their events are
          shown together.
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-3">
        <section className={card} aria-labelledby="person-profile-heading">
          <h4 id="person-profile-heading" className={heading}>
            Profile
          </h4>
          <Profile profile={profile.data} />
        </section>
        <section className={`${card} md:col-span-2`} aria-labelledby="person-sessions-heading">
          <h4 id="person-sessions-heading" className={heading}>
            Sessions
          </h4>
          <Sessions profile={profile.data} />
        </section>
      </div>
      <section className={card} aria-labelledby="person-timeline-heading">
        <h4 id="person-timeline-heading" className={heading}>
          Events, newest first
        </h4>
        <Timeline projectId={projectId} lookup={lookup} />
      </section>
      {canDelete && <PersonDeletion projectId={projectId} identity={profile.data.identity} />}
    </div>
  );
}
