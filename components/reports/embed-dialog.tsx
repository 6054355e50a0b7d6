"use client";
// "Embed" for admins: creates a signed embed of the whole report or one of its widgets, choosing what
// viewers may change, whether they may download CSV, and which sites may frame it; then shows a live
// preview and copy buttons for the iframe and the loader-script snippets.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import type { EditableField } from "@/lib/embed/schemas";
import { DIMENSION_LABELS, DIMENSIONS } from "@/lib/query/vocabulary";

interface CreatedEmbed {
  url: string;
  iframe_html: string;
  script_html: string;
}

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const EDITABLE_CHOICES: { field: EditableField; label: string }[] = [
  { field: "range", label: "Date range" },
  ...DIMENSIONS.map((d) => ({ field: d, label: DIMENSION_LABELS[d] })),
];

function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <div className="flex gap-2">
        <textarea
          readOnly
          aria-label={label}
          value={value}
          rows={2}
          className={`${control} flex-1 font-mono text-xs`}
        />
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

export function EmbedDialog({
  reportId,
  widgets,
  onClose,
}: {
  reportId: string;
  widgets: { id: string; title: string }[];
  onClose: () => void;
}) {
  const [widgetId, setWidgetId] = useState("");
  const [mode, setMode] = useState<"auto" | "light" | "dark">("auto");
  const [days, setDays] = useState(30);
  const [editable, setEditable] = useState<EditableField[]>([]);
  const [downloads, setDownloads] = useState(false);
  const [origins, setOrigins] = useState("");
  const create = useMutation({
    mutationFn: () =>
      apiFetch<CreatedEmbed>("/api/v1/embeds", {
        body: {
          ...(widgetId ? { widget_id: widgetId } : { report_id: reportId }),
          theme: { mode },
          expires_in: days * 86_400,
          editable,
          downloads,
          // One origin per line (or separated by spaces or commas); none means any site may embed it.
          allowed_origins: origins.split(/[\s,]+/).filter(Boolean),
        },
      }),
  });
  const toggle = (field: EditableField, on: boolean) =>
    setEditable((current) => (on ? [...current, field] : current.filter((f) => f !== field)));
  return (
    <section
      aria-label="Embed this report"
      className="flex flex-col gap-3 rounded-lg border border-indigo-200 bg-white p-4 dark:border-indigo-900 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          What to embed
          <select className={control} value={widgetId} onChange={(e) => setWidgetId(e.target.value)}>
            <option value="">The whole report</option>
            {widgets.map((w) => (
              <option key={w.id} value={w.id}>
                Widget: {w.title}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Theme
          <select className={control} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="auto">Automatic (the viewer&apos;s system setting)</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Expires after (days)
          <input
            type="number"
            min={1}
            max={3650}
            className={control}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          />
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <legend className="mb-1 font-medium">Viewers may change</legend>
        {EDITABLE_CHOICES.map(({ field, label }) => (
          <label key={field} className="flex items-center gap-1.5">
            <input
              type="checkbox"
              checked={editable.includes(field)}
              onChange={(e) => toggle(field, e.target.checked)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <label className="flex items-center gap-1.5 text-sm">
        <input type="checkbox" checked={downloads} onChange={(e) => setDownloads(e.target.checked)} />
        Allow CSV downloads
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Allowed sites (one origin per line, e.g. https://app.example.com; empty: any site)
        <textarea
          className={`${control} font-mono text-xs`}
          rows={2}
          value={origins}
          onChange={(e) => setOrigins(e.target.value)}
        />
      </label>
      <div className="flex gap-3">
        <button
          type="button"
          onClick={() => create.mutate()}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Create embed
        </button>
        <button
          type="button"
          onClick={onClose}
          className="rounded-md px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          Close
        </button>
      </div>
      {create.isError && (
        <p role="alert" className="text-sm text-red-600">
          {create.error.message}
        </p>
      )}
      {create.data && (
        <>
          <CopyField label="Iframe" value={create.data.iframe_html} />
          <CopyField label="Script (auto-resizing)" value={create.data.script_html} />
          {/* Same origin as this page, which an embed limited to other sites still allows ('self'). */}
          <iframe
            title="Embed preview"
            src={new URL(create.data.url).pathname}
            className="h-96 w-full rounded border border-slate-200 dark:border-slate-800"
          />
        </>
      )}
    </section>
  );
}
