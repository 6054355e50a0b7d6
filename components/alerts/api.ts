// What the alerts page reads and writes, typed as the API answers (lib/alerts/rules.ts, channels.ts).
import type { AlertCondition, AlertQuery, AlertWindow } from "@/lib/alerts/schemas";

export interface RuleView {
  id: string;
  project_id: string;
  name: string;
  query: AlertQuery;
  window: AlertWindow;
  condition: AlertCondition;
  channel_ids: string[];
  min_duration_seconds: number;
  cooldown_seconds: number;
  muted_until: string | null;
  enabled: boolean;
  state: "ok" | "firing" | "resolved";
  state_changed_at: string | null;
  last_evaluated_at: string | null;
  last_value: number | null;
  can_edit: boolean;
}

/** How people read a channel's kind. */
export const CHANNEL_KIND_LABELS: Record<ChannelView["kind"], string> = {
  webhook: "Webhook",
  slack: "Slack",
  email: "Email",
  in_app: "In-app",
};

export interface ChannelView {
  id: string;
  name: string;
  kind: "webhook" | "slack" | "email" | "in_app";
  config?: { url?: string; to?: string[] };
}

export interface RuleHistory {
  evaluations: { at: string; value: number | null; breaching: boolean; state: string }[];
  transitions: { seq: number; state: string; at: string; muted: boolean }[];
  notifications: {
    id: string;
    channel: { name: string; kind: string };
    state: string;
    status: string;
    attempts: { at: string; ok: boolean; status_code: number | null; error: string | null }[];
    created_at: string;
  }[];
}

export interface InAppNotification {
  id: string;
  rule: { id: string; name: string };
  state: string;
  value: number | null;
  at: string;
  test: boolean;
}

export const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
export const button =
  "rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";
export const card =
  "flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

/** Where a channel sends, as the API takes it: a URL (webhook, Slack) or recipients typed as one list (email). */
export function channelTarget(kind: ChannelView["kind"], target: string): { url?: string; to?: string[] } {
  if (kind === "webhook" || kind === "slack") return { url: target };
  if (kind === "email") return { to: target.split(/[\s,]+/).filter(Boolean) };
  return {};
}
