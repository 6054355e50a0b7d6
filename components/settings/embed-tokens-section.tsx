"use client";
// Embed tokens, for owners and admins: the embeds Lumen issued (revocable), and tokens the customer's
// backend signed, revoked one by one by their jti. A revoked embed's open pages stop within a second.
import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { RevokedJti } from "@/lib/embed/revocations";
import { SettingsSection } from "./settings-section";

export interface EmbedRow {
  id: string;
  scope: string;
  /** The report it shows, or the widget's report. */
  reportName: string | null;
  /** The widget, for an embed of one widget. */
  widgetTitle: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function EmbedTokensSection({
  projectId,
  embeds,
  revokedJtis,
  onChange,
}: {
  projectId: string;
  embeds: EmbedRow[];
  revokedJtis: RevokedJti[];
  onChange: () => void;
}) {
  const revokeEmbed = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/projects/${projectId}/embeds/${id}`, { method: "DELETE" }),
    onSuccess: onChange,
  });
  const jtiForm = useRef<HTMLFormElement>(null);
  const revokeJti = useMutation({
    mutationFn: (jti: string) => apiFetch(`/api/v1/projects/${projectId}/embed-revocations`, { body: { jti } }),
    onSuccess: () => {
      jtiForm.current?.reset();
      onChange();
    },
  });
  const error = revokeEmbed.error ?? revokeJti.error;
  return (
    <SettingsSection id="embeds" title="Embed tokens">
      {embeds.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No embeds yet.</p>
      ) : (
        <ul aria-label="Embeds" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {embeds.map((t) => (
            <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                {t.widgetTitle !== null
                  ? `Widget “${t.widgetTitle}” of report “${t.reportName}”`
                  : `Report “${t.reportName}”`}{" "}
                · created {new Date(t.createdAt).toLocaleDateString()}
                {t.expiresAt && ` · expires ${new Date(t.expiresAt).toLocaleDateString()}`}
                {t.revokedAt && " · revoked"}
              </span>
              {!t.revokedAt && (
                <Button size="sm" variant="danger" onClick={() => revokeEmbed.mutate(t.id)}>
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        ref={jtiForm}
        aria-label="Revoke a token your backend signed"
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          revokeJti.mutate(String(new FormData(e.currentTarget).get("jti")).trim());
        }}
      >
        <Field label="Revoke a token your backend signed (its jti)" error={fieldError(revokeJti.error, "jti")}>
          <Input name="jti" required maxLength={128} className="font-mono" />
        </Field>
        <Button type="submit" variant="danger" className="mt-6" disabled={revokeJti.isPending}>
          Revoke jti
        </Button>
      </form>
      {revokedJtis.length > 0 && (
        <ul aria-label="Revoked jtis" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {revokedJtis.map((r) => (
            <li key={r.jti} className="py-1.5">
              <code className="font-mono">{r.jti}</code> · revoked {new Date(r.revoked_at).toLocaleString()}
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} />
    </SettingsSection>
  );
}
