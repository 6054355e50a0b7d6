// What every channel is told about a transition (or a test): the webhook's JSON body as it is, and
// the source of the Slack message and the email.
import type { Comparison } from "./condition";
import type { AlertCondition } from "./schemas";

export type AlertPayload = {
  /** The notification's idempotency key (rule:sequence:channel, or test:…): the same on every retry. */
  id?: string;
  rule: { id: string; name: string; project_id: string };
  state: "firing" | "resolved";
  at: string;
  value: number | null;
  condition: AlertCondition;
  window: { from: string; to: string; label: string };
  link: string;
  test: boolean;
} & Partial<UnionToIntersection<Comparison>>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

function formatNumber(value: number | null): string {
  return value === null ? "no value" : String(Math.round(value * 1000) / 1000);
}

/** "above 10", "outside 40–60 (median 50)", "change of 25% vs 80"… what the value was held against. */
export function describeComparison(payload: AlertPayload): string {
  if (payload.threshold !== undefined) return `${payload.op} ${formatNumber(payload.threshold)}`;
  if (payload.band)
    return `band ${formatNumber(payload.band.lower)} to ${formatNumber(payload.band.upper)} (median ${formatNumber(payload.band.median)})`;
  if (payload.no_data_minutes !== undefined) return `no events for ${payload.no_data_minutes} minutes`;
  if (payload.unit)
    return `change ${formatNumber(payload.change ?? null)}${payload.unit === "percent" ? "%" : ""} vs ${formatNumber(payload.reference ?? null)}`;
  return "";
}

/** One line for chat and subjects: "[FIRING] Signups dropped: 3 (below 10), last 60 minutes". */
export function summarize(payload: AlertPayload): string {
  const prefix = `${payload.test ? "[TEST] " : ""}[${payload.state.toUpperCase()}]`;
  return `${prefix} ${payload.rule.name}: ${formatNumber(payload.value)} (${describeComparison(payload)}), ${payload.window.label}`;
}
