"use client";
// The embed signing secret, for owners and admins: revealed only when asked (it is never part of the
// settings the page loads), rotated with a grace period for the old one (or none), the grace ended
// early, and the longest lifetime accepted from tokens the customer's backend signs.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import type { EmbedSecretStatus, RevealedEmbedSecret } from "@/lib/embed/signing-secret";

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const sectionClass =
  "flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

const GRACE_CHOICES = [
  { seconds: 86_400, label: "Old secret keeps working for 24 hours" },
  { seconds: 3_600, label: "Old secret keeps working for 1 hour" },
  { seconds: 7 * 86_400, label: "Old secret keeps working for 7 days" },
  { seconds: 0, label: "No grace: refuse the old secret now" },
];

export function EmbedSecretSection({
  projectId,
  status,
  maxLifetimeSeconds,
  onChange,
}: {
  projectId: string;
  status: EmbedSecretStatus;
  maxLifetimeSeconds: number;
  onChange: () => void;
}) {
  const base = `/api/v1/projects/${projectId}/embed-secret`;
  const [shown, setShown] = useState<string | null>(null);
  const [grace, setGrace] = useState(GRACE_CHOICES[0]!.seconds);
  const reveal = useMutation({
    mutationFn: () => apiFetch<RevealedEmbedSecret>(base),
    onSuccess: (r) => setShown(r.secret),
  });
  const rotate = useMutation({
    mutationFn: () => apiFetch<RevealedEmbedSecret>(`${base}/rotate`, { body: { grace_seconds: grace } }),
    onSuccess: (r) => {
      setShown(r.secret);
      onChange();
    },
  });
  const retire = useMutation({
    mutationFn: () => apiFetch(`${base}/previous`, { method: "DELETE" }),
    onSuccess: onChange,
  });
  const saveLifetime = useMutation({
    mutationFn: (seconds: number) =>
      apiFetch(`/api/v1/projects/${projectId}/settings`, {
        method: "PATCH",
        body: { embed_token_max_lifetime_seconds: seconds },
      }),
    onSuccess: onChange,
  });
  const error = reveal.error ?? rotate.error ?? retire.error ?? saveLifetime.error;
  return (
    <section aria-labelledby="embed-secret-heading" className={sectionClass}>
      <h2 id="embed-secret-heading" className="font-semibold">
        Embed signing secret
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Your backend signs its own embed tokens with this secret (HS256, header <code>kid</code> = project id). Anyone
        holding it can sign any embed of this project: keep it on your server.
        {status.rotated_at && ` Last rotated ${new Date(status.rotated_at).toLocaleString()}.`}
      </p>
      {shown ? (
        <div className="flex flex-wrap items-center gap-2">
          <code
            data-testid="embed-secret"
            className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs dark:bg-slate-800"
          >
            {shown}
          </code>
          <button
            type="button"
            className="text-sm text-indigo-600"
            onClick={() => void navigator.clipboard.writeText(shown)}
          >
            Copy
          </button>
          <button type="button" className="text-sm text-slate-600" onClick={() => setShown(null)}>
            Hide
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="self-start rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700"
          onClick={() => reveal.mutate()}
        >
          Reveal secret
        </button>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Grace period
          <select className={control} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
            {GRACE_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white"
          onClick={() =>
            confirm("Rotate the embed signing secret? Your backend must switch to the new one.") && rotate.mutate()
          }
        >
          Rotate secret
        </button>
      </div>
      {status.previous_valid_until && (
        <p role="status" className="flex flex-wrap items-center gap-2 text-sm">
          Tokens signed with the previous secret still work until{" "}
          {new Date(status.previous_valid_until).toLocaleString()}.
          <button
            type="button"
            className="text-red-600"
            onClick={() => confirm("Refuse the previous secret now?") && retire.mutate()}
          >
            Retire it now
          </button>
        </p>
      )}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          saveLifetime.mutate(Math.round(Number(new FormData(e.currentTarget).get("minutes")) * 60));
        }}
      >
        <label className="flex flex-col gap-1 text-sm font-medium">
          Longest lifetime of tokens your backend signs (minutes, exp - iat)
          <input
            name="minutes"
            type="number"
            min={1}
            max={10_080}
            required
            defaultValue={maxLifetimeSeconds / 60}
            className={control}
          />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700">
          Save lifetime
        </button>
        {saveLifetime.isSuccess && <span className="text-sm text-emerald-600">Saved</span>}
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      )}
    </section>
  );
}
