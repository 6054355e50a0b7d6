"use client";
// Privacy and retention, for owners and admins: which kinds of personal data are masked before
// storage, the property keys never stored, purging a person's events when they withdraw consent,
// dropping later events of persons deleted on request,
// how long raw events and aggregates are kept, and a dry run of what retention would delete now.
// Loads and saves its own settings (GET/PATCH /api/v1/projects/{id}/privacy); the server enforces
// the same rules.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Checkbox, Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Skeleton } from "@/components/ui/skeleton";
import { apiFetch, fieldError } from "@/lib/api/client";
import {
  MAX_AGGREGATE_RETENTION_MONTHS,
  MAX_RAW_RETENTION_MONTHS,
  type PrivacyPatch,
  type PrivacySettings,
  type ProjectRetention,
  SCRUB_CLASSES,
  SCRUB_MASKS,
} from "@/lib/privacy/schemas";
import { SettingsSection } from "./settings-section";

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
  const current = settings.data;

  return (
    <SettingsSection
      id="privacy"
      title="Privacy and retention"
      description={
        <p>
          Personal data is masked on the server before anything is stored: in properties, page paths, titles, utm values
          and referrers.
        </p>
      }
    >
      <FormError error={settings.error} />
      {!current ? (
        settings.isError ? null : (
          <Skeleton className="h-32" />
        )
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
              suppress_deleted_persons: form.get("suppress") === "on",
              retention: {
                raw_events_months: Number(form.get("raw-months")),
                aggregates_months: Number(form.get("aggregate-months")),
              },
            });
          }}
        >
          <fieldset className="flex flex-col gap-1">
            <legend className="mb-1 text-sm font-medium">Masked before storage</legend>
            {SCRUB_CLASSES.map((kind) => (
              <Checkbox
                key={kind}
                name={`scrub-${kind}`}
                defaultChecked={current.scrubbing[kind]}
                label={
                  <>
                    {CLASS_LABELS[kind]}{" "}
                    <span className="text-slate-600 dark:text-slate-400">→ {SCRUB_MASKS[kind]}</span>
                  </>
                }
              />
            ))}
          </fieldset>
          <Field
            label="Property keys never stored"
            hint="Comma-separated; dropped at any depth, whatever their case."
            error={fieldError(save.error, "dropped_property_keys")}
          >
            <Input name="dropped" defaultValue={current.dropped_property_keys.join(", ")} placeholder="password, ssn" />
          </Field>
          <Checkbox
            name="purge"
            defaultChecked={current.purge_on_consent_withdrawal}
            label="Delete a person's events when they withdraw consent (the consent trail keeps the withdrawal)"
          />
          <Checkbox
            name="suppress"
            defaultChecked={current.suppress_deleted_persons}
            label="Drop events that arrive later for a person whose data was deleted on request"
          />
          <div className="flex flex-wrap items-start gap-3">
            <Field label="Keep raw events (months)" error={fieldError(save.error, "retention.raw_events_months")}>
              <Input
                name="raw-months"
                type="number"
                min={1}
                max={MAX_RAW_RETENTION_MONTHS}
                required
                defaultValue={current.retention.raw_events_months}
              />
            </Field>
            <Field label="Keep aggregates (months)" error={fieldError(save.error, "retention.aggregates_months")}>
              <Input
                name="aggregate-months"
                type="number"
                min={1}
                max={MAX_AGGREGATE_RETENTION_MONTHS}
                required
                defaultValue={current.retention.aggregates_months}
              />
            </Field>
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Raw events are kept from {day(current.retention.raw_events_kept_from)}, aggregates from{" "}
            {day(current.retention.aggregates_kept_from)}. Reports reaching further back start where their data does,
            and say so.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" disabled={save.isPending}>
              Save privacy settings
            </Button>
            {saved && <span className="text-sm text-emerald-700 dark:text-emerald-400">Saved</span>}
          </div>
          <FormError error={save.error} />
        </form>
      )}
      <div className="flex flex-col gap-2 text-sm">
        <Button className="self-start" onClick={() => preview.mutate()} disabled={preview.isPending}>
          Preview what retention would delete now
        </Button>
        {preview.data && (
          <p data-testid="retention-preview">
            {preview.data.project.raw_events.toLocaleString()} raw events before{" "}
            {day(preview.data.project.raw_events_before)} and {preview.data.project.event_rollups.toLocaleString()}{" "}
            rollup rows, {preview.data.project.daily_bitmaps.toLocaleString()} bitmap rows,{" "}
            {preview.data.project.daily_counts.toLocaleString()} daily count rows and{" "}
            {preview.data.project.session_rollups.toLocaleString()} session rows before{" "}
            {day(preview.data.project.aggregates_before)}.
          </p>
        )}
        <FormError error={preview.error} />
      </div>
    </SettingsSection>
  );
}
