"use client";
// The embed signing secret, for owners and admins: revealed only when asked (it is never part of the
// settings the page loads), rotated with a grace period for the old one (or none), the grace ended
// early, and the longest lifetime accepted from tokens the customer's backend signs.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { EmbedSecretStatus, RevealedEmbedSecret } from "@/lib/embed/signing-secret";
import { SettingsSection } from "./settings-section";

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
    <SettingsSection
      id="embed-secret"
      title="Embed signing secret"
      description={
        <p>
          Your backend signs its own embed tokens with this secret (HS256, header <code>kid</code> = project id). Anyone
          holding it can sign any embed of this project: keep it on your server.
          {status.rotated_at && ` Last rotated ${new Date(status.rotated_at).toLocaleString()}.`}
        </p>
      }
    >
      {shown ? (
        <div className="flex flex-wrap items-center gap-2">
          <code
            data-testid="embed-secret"
            className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs dark:bg-slate-800"
          >
            {shown}
          </code>
          <CopyButton value={shown} size="sm" />
          <Button size="sm" variant="quiet" onClick={() => setShown(null)}>
            Hide
          </Button>
        </div>
      ) : (
        <Button className="self-start" onClick={() => reveal.mutate()} disabled={reveal.isPending}>
          Reveal secret
        </Button>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Grace period">
          <Select value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
            {GRACE_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
        <Button
          variant="primary"
          disabled={rotate.isPending}
          onClick={() =>
            confirm("Rotate the embed signing secret? Your backend must switch to the new one.") && rotate.mutate()
          }
        >
          Rotate secret
        </Button>
      </div>
      {status.previous_valid_until && (
        <p role="status" className="flex flex-wrap items-center gap-2 text-sm">
          Tokens signed with the previous secret still work until{" "}
          {new Date(status.previous_valid_until).toLocaleString()}.
          <Button
            size="sm"
            variant="danger"
            onClick={() => confirm("Refuse the previous secret now?") && retire.mutate()}
          >
            Retire it now
          </Button>
        </p>
      )}
      <form
        aria-label="Token lifetime"
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          saveLifetime.mutate(Math.round(Number(new FormData(e.currentTarget).get("minutes")) * 60));
        }}
      >
        <Field
          label="Longest lifetime of tokens your backend signs (minutes)"
          hint="exp - iat of each token; at most 7 days (10,080 minutes)"
          error={fieldError(saveLifetime.error, "embed_token_max_lifetime_seconds")}
        >
          <Input name="minutes" type="number" min={1} max={10_080} required defaultValue={maxLifetimeSeconds / 60} />
        </Field>
        <Button type="submit" className="mt-6" disabled={saveLifetime.isPending}>
          Save lifetime
        </Button>
        {saveLifetime.isSuccess && (
          <span aria-live="polite" className="mt-7 text-sm text-emerald-700 dark:text-emerald-400">
            Saved
          </span>
        )}
      </form>
      <FormError error={error} />
    </SettingsSection>
  );
}
