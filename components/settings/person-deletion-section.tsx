"use client";
// Deleting a tracked person's data (GDPR art. 17), for owners and admins: a form naming the person by
// user id or anonymous id, with a confirmation step (the deletion cannot be undone), and the
// project's deletion jobs with their live state (polled while any is pending or running). Jobs name
// the person only by pseudonym: the id typed here is sent once and never shown back.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Skeleton } from "@/components/ui/skeleton";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { DeletionJobPage, DeletionJobView, DeletionStatus } from "@/lib/privacy/schemas";
import { SettingsSection } from "./settings-section";

type IdKind = "user_id" | "anonymous_id";

const KIND_LABELS: Record<IdKind, string> = { user_id: "User id", anonymous_id: "Anonymous id" };
const STATUS_LABELS: Record<DeletionStatus, string> = {
  pending: "Waiting",
  running: "Deleting…",
  done: "Done",
  failed: "Failed",
};
/** How often the list is asked again while a job is under way. */
const POLL_MS = 1_000;

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export function PersonDeletionSection({ projectId }: { projectId: string }) {
  const client = useQueryClient();
  const key = ["person-deletions", projectId];
  const jobs = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<DeletionJobPage>(`/api/v1/privacy/deletions?project_id=${projectId}&limit=20`),
    refetchInterval: (query) =>
      query.state.data?.jobs.some((job) => job.status === "pending" || job.status === "running") ? POLL_MS : false,
  });
  const [kind, setKind] = useState<IdKind>("user_id");
  const [id, setId] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [queued, setQueued] = useState<DeletionJobView | null>(null);
  const request = useMutation({
    mutationFn: () =>
      apiFetch<DeletionJobView>("/api/v1/privacy/deletions", { body: { project_id: projectId, [kind]: id.trim() } }),
    onSuccess: (job) => {
      setQueued(job);
      setConfirming(false);
      setId("");
      void client.invalidateQueries({ queryKey: key });
    },
  });

  return (
    <SettingsSection
      id="person-deletion"
      title="Delete a person's data"
      description={
        <p>
          Deletes every event of one person, and their traces in every report, for good. With suppression on (above),
          their later events are dropped as they arrive.
        </p>
      }
    >
      {!confirming ? (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setQueued(null);
            request.reset();
            if (id.trim()) setConfirming(true);
          }}
        >
          <Field label="Identify the person by">
            <Select name="id-kind" value={kind} onChange={(e) => setKind(e.target.value as IdKind)}>
              <option value="user_id">{KIND_LABELS.user_id}</option>
              <option value="anonymous_id">{KIND_LABELS.anonymous_id}</option>
            </Select>
          </Field>
          <Field label={KIND_LABELS[kind]} error={fieldError(request.error, kind)}>
            <Input
              name="person-id"
              value={id}
              maxLength={200}
              required
              autoComplete="off"
              onChange={(e) => setId(e.target.value)}
            />
          </Field>
          <Button type="submit" variant="danger">
            Delete this person's data…
          </Button>
        </form>
      ) : (
        <div role="alertdialog" aria-labelledby="person-deletion-confirm" className="flex flex-col gap-2">
          <p id="person-deletion-confirm" className="text-sm">
            Delete every event of the person with {KIND_LABELS[kind].toLowerCase()} <strong>{id.trim()}</strong>? This
            cannot be undone.
          </p>
          <div className="flex gap-2">
            <Button variant="danger" onClick={() => request.mutate()} disabled={request.isPending}>
              Yes, delete
            </Button>
            <Button onClick={() => setConfirming(false)} disabled={request.isPending}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      <FormError error={request.error} />
      {queued && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          Deletion queued ({queued.person ?? queued.id}).
        </p>
      )}
      <FormError error={jobs.error} />
      {!jobs.data ? (
        jobs.isError ? null : (
          <Skeleton className="h-16" />
        )
      ) : jobs.data.jobs.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No deletions yet.</p>
      ) : (
        <table className="w-full text-left text-sm" aria-label="Deletion jobs">
          <thead className="text-slate-600 dark:text-slate-400">
            <tr>
              <th className="py-1 pr-3 font-medium">Requested</th>
              <th className="py-1 pr-3 font-medium">Person</th>
              <th className="py-1 pr-3 font-medium">Why</th>
              <th className="py-1 pr-3 font-medium">State</th>
              <th className="py-1 pr-3 text-right font-medium">Events deleted</th>
              <th className="py-1 font-medium">Finished</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.jobs.map((job) => (
              <tr key={job.id} data-testid="deletion-job" className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-1 pr-3">{time(job.requested_at)}</td>
                <td className="py-1 pr-3">
                  {job.id_kind ? KIND_LABELS[job.id_kind] : "Person"}{" "}
                  <code className="text-xs text-slate-600 dark:text-slate-400">{job.person ?? "—"}</code>
                </td>
                <td className="py-1 pr-3">{job.reason === "request" ? "Request" : "Consent withdrawn"}</td>
                <td className="py-1 pr-3" data-testid="deletion-status">
                  {STATUS_LABELS[job.status]}
                  {job.error && <span className="block text-xs text-red-700 dark:text-red-400">{job.error}</span>}
                </td>
                <td className="py-1 pr-3 text-right tabular-nums">{job.events_deleted.toLocaleString()}</td>
                <td className="py-1">{time(job.finished_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </SettingsSection>
  );
}
