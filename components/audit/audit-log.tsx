"use client";
// Settings → Audit log: who did what in the project and its organization, newest first, filtered
// by action and by person (both kept in the URL, so a view can be shared), a page at a time.
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch } from "@/lib/api/client";
import type { AuditActorChoice } from "@/lib/audit/audit-log";
import { type AuditAction, type AuditPage, auditActionSchema } from "@/lib/audit/schemas";
import { actionGroups, actionLabels, actionsOfGroup, describeActor, describeDetails } from "./labels";

const PAGE_SIZE = 25;
const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

/** The URL's `action`: one action, or a group's key standing for all of its actions. */
function actionsOf(choice: string): AuditAction[] {
  const single = auditActionSchema.safeParse(choice);
  if (single.success) return [single.data];
  return actionGroups.some((g) => g.key === choice) ? actionsOfGroup(choice) : [];
}

export function AuditLog({ projectId, actors }: { projectId: string; actors: AuditActorChoice[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const action = searchParams.get("action") ?? "";
  const actor = searchParams.get("actor") ?? "";
  const actionId = useId();
  const actorId = useId();

  // router.push lands asynchronously: a second change before the first reached the URL builds on
  // the pending query, not on the URL's older one (as useViewState does for dashboards).
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === searchParams.toString()) pending.current = null;
  }, [searchParams]);
  const setFilter = (name: "action" | "actor", value: string) => {
    const next = new URLSearchParams(pending.current ?? searchParams.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    const query = next.toString();
    pending.current = query;
    router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <section aria-labelledby="audit-heading" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="audit-heading" className="text-lg font-semibold">
            Audit log
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Who did what in this project and its organization. Entries cannot be changed or deleted.
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex flex-col gap-1 text-sm font-medium">
            <label htmlFor={actionId}>Action</label>
            <select
              id={actionId}
              value={action}
              onChange={(e) => setFilter("action", e.target.value)}
              className={control}
            >
              <option value="">All actions</option>
              {actionGroups.map((group) => (
                <optgroup key={group.key} label={group.label}>
                  <option value={group.key}>All: {group.label.toLowerCase()}</option>
                  {actionsOfGroup(group.key).map((a) => (
                    <option key={a} value={a}>
                      {actionLabels[a]}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1 text-sm font-medium">
            <label htmlFor={actorId}>Person</label>
            <select id={actorId} value={actor} onChange={(e) => setFilter("actor", e.target.value)} className={control}>
              <option value="">Everyone</option>
              {actors.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.kind === "api_key" ? `API key ${a.label}…` : a.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {/* A new filter starts again from the newest entries. */}
      <AuditEntries key={`${action}|${actor}`} projectId={projectId} actions={actionsOf(action)} actorId={actor} />
    </section>
  );
}

function AuditEntries({ projectId, actions, actorId }: { projectId: string; actions: AuditAction[]; actorId: string }) {
  // The cursors of the pages before this one, for "Newer".
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const params = new URLSearchParams({ project_id: projectId, limit: String(PAGE_SIZE) });
  for (const a of actions) params.append("action", a);
  if (actorId) params.set("actor_id", actorId);
  if (cursor) params.set("cursor", cursor);
  const page = useQuery({
    queryKey: ["audit-log", projectId, actions, actorId, cursor],
    queryFn: () => apiFetch<AuditPage>(`/api/v1/audit-log?${params}`),
  });

  if (page.isError)
    return (
      <p role="alert" className="text-sm text-red-600">
        {page.error.message}
      </p>
    );
  if (!page.data)
    return (
      <div
        className="h-64 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800"
        role="status"
        aria-label="Loading"
      />
    );
  const { entries, next_cursor } = page.data;
  return (
    <div className="flex flex-col gap-3">
      {entries.length === 0 ? (
        <EmptyState title="No entries match." className="rounded-lg border border-slate-200 dark:border-slate-800" />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-800 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-3 py-2">
                  When
                </th>
                <th scope="col" className="px-3 py-2">
                  Who
                </th>
                <th scope="col" className="px-3 py-2">
                  Action
                </th>
                <th scope="col" className="px-3 py-2">
                  Details
                </th>
                <th scope="col" className="px-3 py-2">
                  Request
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {entries.map((entry) => (
                <tr key={entry.id} className="align-top">
                  <td className="whitespace-nowrap px-3 py-2">
                    <time dateTime={entry.occurred_at}>{new Date(entry.occurred_at).toLocaleString()}</time>
                  </td>
                  <td className="px-3 py-2">{describeActor(entry.actor)}</td>
                  <td className="px-3 py-2">{actionLabels[entry.action] ?? entry.action}</td>
                  <td className="break-all px-3 py-2 text-slate-600 dark:text-slate-300">{describeDetails(entry)}</td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-600 dark:text-slate-400">
                    {entry.request_id ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex items-center justify-end gap-2">
        <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </Button>
        <Button disabled={!next_cursor} onClick={() => next_cursor && setCursors((c) => [...c, next_cursor])}>
          Older
        </Button>
      </div>
    </div>
  );
}
