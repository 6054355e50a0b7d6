"use client";
// "Embed" for admins: creates a signed embed of the report, with a live preview and copy buttons for
// the iframe and the loader-script snippets.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";

interface CreatedEmbed {
  url: string;
  iframe_html: string;
  script_html: string;
}

const control = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <div className="flex gap-2">
        <textarea readOnly aria-label={label} value={value} rows={2} className={`${control} flex-1 font-mono text-xs`} />
        <button
          type="button"
          className="rounded-md border border-slate-300 px-2 dark:border-slate-700"
          onClick={() => navigator.clipboard.writeText(value).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

export function EmbedDialog({ reportId, onClose }: { reportId: string; onClose: () => void }) {
  const [mode, setMode] = useState<"auto" | "light" | "dark">("auto");
  const [days, setDays] = useState(30);
  const create = useMutation({
    mutationFn: () => apiFetch<CreatedEmbed>("/api/v1/embeds", { body: { report_id: reportId, theme: { mode }, expires_in: days * 86_400 } }),
  });
  return (
    <section aria-label="Embed this report" className="flex flex-col gap-3 rounded-lg border border-indigo-200 bg-white p-4 dark:border-indigo-900 dark:bg-slate-900">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Theme
          <select className={control} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="auto">auto (viewer&apos;s system)</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Expires after (days)
          <input type="number" min={1} max={3650} className={control} value={days} onChange={(e) => setDays(Number(e.target.value))} />
        </label>
        <button type="button" onClick={() => create.mutate()} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
          Create embed
        </button>
        <button type="button" onClick={onClose} className="rounded-md px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
          Close
        </button>
      </div>
      {create.isError && <p role="alert" className="text-sm text-red-600">{create.error.message}</p>}
      {create.data && (
        <>
          <CopyField label="Iframe" value={create.data.iframe_html} />
          <CopyField label="Script (auto-resizing)" value={create.data.script_html} />
          <iframe title="Embed preview" src={create.data.url} className="h-96 w-full rounded border border-slate-200 dark:border-slate-800" />
        </>
      )}
    </section>
  );
}
