"use client";
// A rule's history: its recent evaluations (value and verdict), its transitions, and each
// notification with its delivery attempts.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import type { RuleHistory } from "./api";

const SHOWN_EVALUATIONS = 20;

export function RuleHistoryPanel({ ruleId }: { ruleId: string }) {
  const history = useQuery({
    queryKey: ["alert-history", ruleId],
    queryFn: () => apiFetch<RuleHistory>(`/api/v1/alerts/${ruleId}/history`),
    refetchInterval: 15_000,
  });
  if (history.isError) return <p role="alert">{history.error.message}</p>;
  if (!history.data) return <p className="text-sm text-slate-500">Loading history…</p>;
  const { evaluations, transitions, notifications } = history.data;
  return (
    <section className="grid gap-4 text-sm md:grid-cols-3" aria-label="Rule history">
      <div>
        <h3 className="mb-1 font-medium">Evaluations</h3>
        {evaluations.length === 0 && <p className="text-slate-500">None yet.</p>}
        <ul>
          {evaluations.slice(0, SHOWN_EVALUATIONS).map((e) => (
            <li key={e.at}>
              {new Date(e.at).toLocaleTimeString()}: {e.value ?? "no value"} {e.breaching ? "(breaching)" : ""} →{" "}
              {e.state}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="mb-1 font-medium">Transitions</h3>
        {transitions.length === 0 && <p className="text-slate-500">None yet.</p>}
        <ul>
          {transitions.map((t) => (
            <li key={t.seq}>
              {new Date(t.at).toLocaleString()}: {t.state}
              {t.muted ? " (muted)" : ""}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="mb-1 font-medium">Notifications</h3>
        {notifications.length === 0 && <p className="text-slate-500">None yet.</p>}
        <ul>
          {notifications.map((n) => (
            <li key={n.id}>
              {n.state} → {n.channel.name}: {n.status}
              {n.attempts.length > 0 &&
                ` (${n.attempts.length} attempt${n.attempts.length > 1 ? "s" : ""}${n.attempts.at(-1)?.error ? `, ${n.attempts.at(-1)?.error}` : ""})`}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
