"use client";
// A project's alerts: the rules with their state (create, edit, mute, delete, history), the
// in-app notifications, and the channels (admins add, test and remove them). What each person may
// do comes from the server (the role, can_edit, and channel settings shown to admins only): viewers
// read, so they get no "New rule" and no form, even from an "Alert me…" link.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { goalNamesOf, useGoals } from "@/components/hooks/use-goals";
import { alertQuerySchema } from "@/lib/alerts/schemas";
import { apiFetch } from "@/lib/api/client";
import { measureLabel } from "@/lib/query/vocabulary";
import { button, type ChannelView, card, type InAppNotification, type RuleView } from "./api";
import { ChannelsSection } from "./channels-section";
import { type RuleDraft, RuleForm } from "./rule-form";
import { RuleHistoryPanel } from "./rule-history";

const stateStyle: Record<RuleView["state"], string> = {
  ok: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  firing: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  resolved: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
};

/** A rule prefilled from a widget's menu ("Alert me when…"): ?new=1&name=…&query=<JSON>. */
function draftFrom(search: { new?: string; name?: string; query?: string }): RuleDraft | undefined {
  if (search.new !== "1") return undefined;
  let query: unknown;
  try {
    query = search.query ? JSON.parse(search.query) : undefined;
  } catch {
    query = undefined;
  }
  const parsed = alertQuerySchema.safeParse(query);
  return parsed.success
    ? { name: search.name ?? "", query: parsed.data }
    : { name: search.name ?? "", query: { kind: "metric", measure: { type: "count" }, filters: [] } };
}

function describeCondition(rule: RuleView): string {
  const c = rule.condition;
  const window = "minutes" in rule.window ? `last ${rule.window.minutes} min` : "today so far";
  switch (c.type) {
    case "threshold":
      return `${c.op} ${c.value}, ${window}`;
    case "change":
      return `${c.direction === "either" ? "changes" : c.direction === "increase" ? "rises" : "falls"} by ${c.value}${c.unit === "percent" ? "%" : ""} vs ${c.compare_to === "week_ago" ? "a week ago" : "the previous window"}, ${window}`;
    case "anomaly":
      return `outside median ± ${c.k} deviations of the last ${c.weeks} weeks, ${window}`;
    case "no_data":
      return `no events for ${c.minutes} min`;
  }
}

export function AlertsPage({
  projectId,
  canCreateRules,
  canManageChannels,
  search,
}: {
  projectId: string;
  /** Analysts and above: create rules. */
  canCreateRules: boolean;
  /** Owners and admins: add, test and remove channels. */
  canManageChannels: boolean;
  search: { new?: string; name?: string; query?: string; rule?: string };
}) {
  const client = useQueryClient();
  const rulesKey = ["alerts", projectId];
  const rules = useQuery({
    queryKey: rulesKey,
    queryFn: () => apiFetch<{ rules: RuleView[] }>(`/api/v1/alerts?project_id=${projectId}`),
    refetchInterval: 15_000,
  });
  const channels = useQuery({
    queryKey: ["alert-channels", projectId],
    queryFn: () => apiFetch<{ channels: ChannelView[] }>(`/api/v1/alerts/channels?project_id=${projectId}`),
  });
  // A goal measure reads with its goal's name ("Signed up: conversion rate").
  const goalNames = goalNamesOf(useGoals(projectId).data);
  const inbox = useQuery({
    queryKey: ["alert-notifications", projectId],
    queryFn: () =>
      apiFetch<{ notifications: InAppNotification[] }>(`/api/v1/alerts/notifications?project_id=${projectId}`),
    refetchInterval: 15_000,
  });
  const [editing, setEditing] = useState<{ rule?: RuleView; draft?: RuleDraft } | null>(() => {
    const draft = canCreateRules ? draftFrom(search) : undefined;
    return draft ? { draft } : null;
  });
  const [showing, setShowing] = useState<string | null>(search.rule ?? null);
  const refresh = () => client.invalidateQueries({ queryKey: rulesKey });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      apiFetch(`/api/v1/alerts/${id}`, { method: "PATCH", body }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/alerts/${id}`, { method: "DELETE" }),
    onSuccess: refresh,
  });

  if (rules.isError) return <p role="alert">{rules.error.message}</p>;
  if (!rules.data || !channels.data)
    return (
      <div
        className="h-40 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800"
        role="status"
        aria-label="Loading"
      />
    );
  const channelList = channels.data.channels;

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="rules-heading" className={card}>
        <div className="flex items-center justify-between">
          <h2 id="rules-heading" className="font-semibold">
            Alert rules
          </h2>
          {canCreateRules && !editing && (
            <button type="button" className={button} onClick={() => setEditing({})}>
              New rule
            </button>
          )}
        </div>
        {editing && (
          <RuleForm
            projectId={projectId}
            channels={channelList}
            rule={editing.rule}
            draft={editing.draft}
            onDone={() => {
              setEditing(null);
              void refresh();
            }}
          />
        )}
        {rules.data.rules.length === 0 && <p className="text-sm text-slate-500">No alert rules yet.</p>}
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {rules.data.rules.map((rule) => {
            const muted = rule.muted_until !== null && new Date(rule.muted_until) > new Date();
            return (
              <li key={rule.id} className="flex flex-col gap-2 py-3" aria-label={rule.name}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className={`rounded px-2 py-0.5 text-xs font-medium ${stateStyle[rule.state]}`}>
                    {rule.state}
                  </span>
                  <span className="font-medium">{rule.name}</span>
                  {!rule.enabled && <span className="text-xs text-slate-500">disabled</span>}
                  {muted && (
                    <span className="text-xs text-slate-500">
                      muted until {new Date(rule.muted_until as string).toLocaleString()}
                    </span>
                  )}
                  <span className="flex-1" />
                  <span className="text-sm text-slate-500">
                    {rule.last_value !== null ? `last ${rule.last_value}` : "not evaluated yet"}
                  </span>
                </div>
                <p className="text-sm text-slate-600 dark:text-slate-400">
                  {rule.query.event ?? "any event"} ·{" "}
                  {measureLabel(
                    rule.query.measure,
                    "goal" in rule.query.measure ? goalNames[rule.query.measure.goal] : undefined,
                  )}{" "}
                  · {describeCondition(rule)}
                </p>
                <div className="flex flex-wrap gap-1">
                  <button
                    type="button"
                    className={button}
                    onClick={() => setShowing(showing === rule.id ? null : rule.id)}
                    aria-expanded={showing === rule.id}
                  >
                    History
                  </button>
                  {rule.can_edit && (
                    <>
                      <button type="button" className={button} onClick={() => setEditing({ rule })}>
                        Edit
                      </button>
                      <button
                        type="button"
                        className={button}
                        onClick={() =>
                          patch.mutate({
                            id: rule.id,
                            body: { muted_until: muted ? null : new Date(Date.now() + 3_600_000).toISOString() },
                          })
                        }
                      >
                        {muted ? "Unmute" : "Mute 1 h"}
                      </button>
                      <button
                        type="button"
                        className={button}
                        onClick={() => patch.mutate({ id: rule.id, body: { enabled: !rule.enabled } })}
                      >
                        {rule.enabled ? "Disable" : "Enable"}
                      </button>
                      <button
                        type="button"
                        className={button}
                        onClick={() => confirm(`Delete "${rule.name}"?`) && remove.mutate(rule.id)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </div>
                {showing === rule.id && <RuleHistoryPanel ruleId={rule.id} />}
              </li>
            );
          })}
        </ul>
        {(patch.isError || remove.isError) && (
          <p role="alert" className="text-sm text-red-600">
            {(patch.error ?? remove.error)?.message}
          </p>
        )}
      </section>

      <section aria-labelledby="inbox-heading" className={card}>
        <h2 id="inbox-heading" className="font-semibold">
          Notifications
        </h2>
        {inbox.data?.notifications.length === 0 && (
          <p className="text-sm text-slate-500">Nothing yet: add an in-app channel to a rule to see its alerts here.</p>
        )}
        <ul className="text-sm">
          {inbox.data?.notifications.map((n) => (
            <li key={n.id} className="py-1">
              <span className={`mr-2 rounded px-2 py-0.5 text-xs ${stateStyle[n.state as RuleView["state"]] ?? ""}`}>
                {n.test ? "test" : n.state}
              </span>
              {n.rule.name}: {n.value ?? "no value"} · {new Date(n.at).toLocaleString()}
            </li>
          ))}
        </ul>
      </section>

      <ChannelsSection
        projectId={projectId}
        channels={channelList}
        canManage={canManageChannels}
        onChange={() => client.invalidateQueries({ queryKey: ["alert-channels", projectId] })}
        onTested={() => client.invalidateQueries({ queryKey: ["alert-notifications", projectId] })}
      />
    </div>
  );
}
