"use client";
// API keys: create (the key is shown once, here), list by prefix, revoke.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";

export interface KeyRow {
  id: string;
  name: string;
  kind: "write" | "read" | "admin";
  prefix: string;
  allowedOrigins: string[];
  revokedAt: string | null;
}

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

export function KeysSection({
  projectId,
  keys,
  onChange,
}: {
  projectId: string;
  keys: KeyRow[];
  onChange: () => void;
}) {
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; kind: string; allowed_origins: string[] }) =>
      apiFetch<{ key: string }>(`/api/v1/projects/${projectId}/keys`, { body }),
    onSuccess: (result) => {
      setCreated(result.key);
      onChange();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/projects/${projectId}/keys/${id}`, { method: "DELETE" }),
    onSuccess: onChange,
  });
  return (
    <section
      aria-labelledby="keys-heading"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="keys-heading" className="font-semibold">
        API keys
      </h2>
      {created && (
        <div role="status" className="rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950">
          Copy this key now; it will not be shown again:
          <code className="mt-1 block break-all font-mono" data-testid="new-key">
            {created}
          </code>
        </div>
      )}
      <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
        {keys.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              <code className="font-mono">{k.prefix}…</code> {k.name} · {k.kind}
              {k.allowedOrigins.length > 0 && ` · ${k.allowedOrigins.join(", ")}`}
              {k.revokedAt && " · revoked"}
            </span>
            {!k.revokedAt && (
              <button
                type="button"
                className="text-red-600"
                onClick={() => confirm(`Revoke ${k.name}?`) && revoke.mutate(k.id)}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const origins = String(form.get("origins"))
            .split(",")
            .map((o) => o.trim())
            .filter(Boolean);
          create.mutate({ name: String(form.get("name")), kind: String(form.get("kind")), allowed_origins: origins });
        }}
      >
        <label className="flex flex-col gap-1 text-sm font-medium">
          Key name
          <input name="name" required className={control} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Kind
          <select name="kind" className={control}>
            <option value="write">write (ingestion)</option>
            <option value="read">read (query API)</option>
            <option value="admin">admin (create embeds from your server)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Allowed origins (comma-separated, optional)
          <input name="origins" placeholder="https://example.com" className={control} />
        </label>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">
          Create key
        </button>
      </form>
      {create.isError && (
        <p role="alert" className="text-sm text-red-600">
          {create.error.message}
        </p>
      )}
    </section>
  );
}
