"use client";
// "Embed" for admins: creates a signed embed of the whole report or one of its widgets, choosing what
// viewers may change, whether they may download CSV, and which sites may frame it; then shows a live
// preview and copy buttons for the iframe and the loader-script snippets.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { SegmentSelect } from "@/components/segments/segment-select";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Checkbox, Field, Input, Select, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { EditableField } from "@/lib/embed/schemas";
import { DIMENSION_LABELS, DIMENSIONS } from "@/lib/query/vocabulary";

interface CreatedEmbed {
  url: string;
  iframe_html: string;
  script_html: string;
}

const EDITABLE_CHOICES: { field: EditableField; label: string }[] = [
  { field: "range", label: "Date range" },
  ...DIMENSIONS.map((d) => ({ field: d, label: DIMENSION_LABELS[d] })),
];

function CopyField({ label, copyLabel, value }: { label: string; copyLabel: string; value: string }) {
  return (
    <Field label={label}>
      <div className="flex items-start gap-2">
        <Textarea readOnly value={value} rows={2} className="flex-1 font-mono text-xs" />
        <CopyButton value={value} aria-label={copyLabel} />
      </div>
    </Field>
  );
}

export function EmbedDialog({
  projectId,
  reportId,
  widgets,
  onClose,
}: {
  projectId: string;
  reportId: string;
  widgets: { id: string; title: string }[];
  onClose: () => void;
}) {
  const [widgetId, setWidgetId] = useState("");
  const [mode, setMode] = useState<"auto" | "light" | "dark">("auto");
  const [days, setDays] = useState(30);
  const [editable, setEditable] = useState<EditableField[]>([]);
  const [downloads, setDownloads] = useState(false);
  const [compare, setCompare] = useState(false);
  const [origins, setOrigins] = useState("");
  const [segment, setSegment] = useState<string | undefined>(undefined);
  const create = useMutation({
    mutationFn: () =>
      apiFetch<CreatedEmbed>("/api/v1/embeds", {
        body: {
          ...(widgetId ? { widget_id: widgetId } : { report_id: reportId }),
          theme: { mode },
          expires_in: days * 86_400,
          editable,
          downloads,
          // A locked segment: every widget shows only its visitors, whatever the viewer picks.
          params: { ...(compare ? { compare: true } : {}), ...(segment ? { segment } : {}) },
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
      <div className="flex flex-wrap items-start gap-3">
        <Field label="What to embed">
          <Select value={widgetId} onChange={(e) => setWidgetId(e.target.value)}>
            <option value="">The whole report</option>
            {widgets.map((w) => (
              <option key={w.id} value={w.id}>
                Widget: {w.title}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Theme">
          <Select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="auto">Automatic (the viewer&apos;s system setting)</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </Select>
        </Field>
        <Field label="Expires after (days)" error={fieldError(create.error, "expires_in")}>
          <Input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(Number(e.target.value))} />
        </Field>
        <SegmentSelect
          projectId={projectId}
          label="Locked segment"
          error={fieldError(create.error, "params.segment")}
          value={segment}
          onChange={setSegment}
        />
      </div>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <legend className="mb-1 font-medium">Viewers may change</legend>
        {EDITABLE_CHOICES.map(({ field, label }) => (
          <Checkbox
            key={field}
            label={label}
            checked={editable.includes(field)}
            onChange={(e) => toggle(field, e.target.checked)}
          />
        ))}
      </fieldset>
      <Checkbox label="Allow CSV downloads" checked={downloads} onChange={(e) => setDownloads(e.target.checked)} />
      <Checkbox
        label="Charts compare with the previous period (a dashed line)"
        checked={compare}
        onChange={(e) => setCompare(e.target.checked)}
      />
      <Field
        label="Allowed sites"
        hint="One origin per line, e.g. https://app.example.com; empty: any site"
        error={fieldError(create.error, "allowed_origins")}
      >
        <Textarea className="font-mono text-xs" rows={2} value={origins} onChange={(e) => setOrigins(e.target.value)} />
      </Field>
      <div className="flex gap-3">
        <Button variant="primary" onClick={() => create.mutate()} disabled={create.isPending}>
          Create embed
        </Button>
        <Button variant="quiet" onClick={onClose}>
          Close
        </Button>
      </div>
      <FormError error={create.error} />
      {create.data && (
        <>
          <CopyField label="Iframe" copyLabel="Copy the iframe tag" value={create.data.iframe_html} />
          <CopyField label="Script (auto-resizing)" copyLabel="Copy the script tag" value={create.data.script_html} />
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
