"use client";
// Privacy and retention, for owners and admins: which kinds of personal data are masked before
// storage, the property keys never stored, purging a person's events when they withdraw consent,
// how long raw events and aggregates are kept, and a dry run of what retention would delete now.
// Loads and saves its own settings (GET/PATCH /api/v1/projects/{id}/privacy); the server enforces
// the same rules.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import {
  MAX_AGGREGATE_RETENTION_MONTHS,
  MAX_RAW_RETENTION_MONTHS,
  type PrivacyPatch,
  type PrivacySettings,
  type ProjectRetention,
  SCRUB_CLASSES,
  SCRUB_MASKS,
} from "@/lib/privacy/schemas";

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const sectionClass =
  "flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

const CLASS_LABELS: Record<(typeof SCRUB_CLASSES)[number], string> = {
  email: "Email addresses",
  phone: "Phone numbers",
  card: "Payment card numbers",
  ip: "IP addresses",
};

const day = (iso: string) => iso.slice(0, 10);

export function PrivacySection({ projectId }: { projectId: string }) {
  const client = useQueryClient();
  const key = ["privacy", projectId];
  const path = `/api/v1/projects/${projectId}/privacy`;
  const settings = useQuery({ queryKey: key, queryFn: () => apiFetch<PrivacySettings>(path) });
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: PrivacyPatch) => apiFetch<PrivacySettings>(path, { method: "PATCH", body }),
    onSuccess: (updated) => {
      client.setQueryData(key, updated);
      setSaved(true);
    },
  });
  const preview = useMutation({
    mutationFn: () =>
      apiFetch<{ now: string; project: ProjectRetention }>(`/api/v1/projects/${projectId}/retention/preview`),
  });

  if (settings.isError)
    return (
      <section aria-labelledby="privacy-heading" className={sectionClass}>
        <h2 id="privacy-heading" className="font-semibold">
          Privacy and retention
        </h2>
        <p role="alert" className="text-sm text-red-600">
          {settings.error.message}
        </p>
      </section>
    );
  const current = settings.data;
  return (
    <section aria-labelledby="privacy-heading" className={sectionClass}>
      <h2 id="privacy-heading" className="font-semibold">
        Privacy and retention
      </h2>
      {!current ? (
        <div
          className="h-32 animate-pulse rounded-md bg-slate-100 dark:bg-slate-800"
          role="status"
          aria-label="Loading"
        />
      ) : (
        <form
          key={JSON.stringify(current)}
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            const form = new FormData(e.currentTarget);
            save.mutate({
              scrubbing: Object.fromEntries(SCRUB_CLASSES.map((kind) => [kind, form.get(`scrub-${kind}`) === "on"])),
              dropped_property_keys: String(form.get("dropped"))
                .split(",")
                .map((k) => k.trim())
                .filter(Boolean),
              purge_on_consent_withdrawal: form.get("purge") === "on",
              retention: {
                raw_events_months: Number(form.get("raw-months")),
                aggregates_months: Number(form.get("aggregate-months")),
              },
            });
          }}
        >
          <fieldset className="flex flex-col gap-1 text-sm">
            <legend className="mb-1 font-medium">
              Masked before storage (in properties, page paths, titles, utm values and referrers)
            </legend>
            {SCRUB_CLASSES.map((kind) => (
              <label key={kind} className="flex items-center gap-2">
                <input type="checkbox" name={`scrub-${kind}`} defaultChecked={current.scrubbing[kind]} />
                {CLASS_LABELS[kind]} <span className="text-slate-500">→ {SCRUB_MASKS[kind]}</span>
              </label>
            ))}
          </fieldset>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Property keys never stored (comma-separated, any depth, any case)
            <input
              name="dropped"
              defaultValue={current.dropped_property_keys.join(", ")}
              placeholder="password, ssn"
              className={control}
            />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="purge" defaultChecked={current.purge_on_consent_withdrawal} />
            Delete a person&apos;s events when they withdraw consent (the consent trail keeps the withdrawal)
          </label>
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col gap-1 text-sm font-medium">
              Keep raw events (months)
              <input
                name="raw-months"
                type="number"
                min={1}
                max={MAX_RAW_RETENTION_MONTHS}
                required
                defaultValue={current.retention.raw_events_months}
                className={control}
              />
            </label>
            <label className="flex flex-col gap-1 text-sm font-medium">
              Keep aggregates (months)
              <input
                name="aggregate-months"
                type="number"
                min={1}
                max={MAX_AGGREGATE_RETENTION_MONTHS}
                required
                defaultValue={current.retention.aggregates_months}
                className={control}
              />
            </label>
            <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">
              Save privacy settings
            </button>
            {saved && <span className="text-sm text-emerald-600">Saved</span>}
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Raw events are kept from {day(current.retention.raw_events_kept_from)}, aggregates from{" "}
            {day(current.retention.aggregates_kept_from)}. Reports reaching further back start where their data does,
            and say so.
          </p>
          {save.isError && (
            <p role="alert" className="text-sm text-red-600">
              {save.error.message}
            </p>
          )}
        </form>
      )}
      <div className="flex flex-col gap-2 text-sm">
        <button
          type="button"
          onClick={() => preview.mutate()}
          className="self-start rounded-md border border-slate-300 px-3 py-1.5 dark:border-slate-700"
        >
          Preview what retention would delete now
        </button>
        {preview.data && (
          <p data-testid="retention-preview">
            {preview.data.project.raw_events.toLocaleString()} raw events before{" "}
            {day(preview.data.project.raw_events_before)} and {preview.data.project.event_rollups.toLocaleString()}{" "}
            rollup rows, {preview.data.project.daily_bitmaps.toLocaleString()} bitmap rows and{" "}
            {preview.data.project.session_rollups.toLocaleString()} session rows before{" "}
            {day(preview.data.project.aggregates_before)}.
          </p>
        )}
        {preview.isError && (
          <p role="alert" className="text-red-600">
            {preview.error.message}
          </p>
        )}
      </div>
    </section>
  );
}
