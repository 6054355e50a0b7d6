"use client";
// Embed tokens, for owners and admins: the embeds Lumen issued (revocable), and tokens the customer's
// backend signed, revoked one by one by their jti. A revoked embed's open pages stop within a second.
import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import type { RevokedJti } from "@/lib/embed/revocations";

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

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const sectionClass =
  "flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

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
  const revokeJti = useMutation({
    mutationFn: (jti: string) => apiFetch(`/api/v1/projects/${projectId}/embed-revocations`, { body: { jti } }),
    onSuccess: onChange,
  });
  const error = revokeEmbed.error ?? revokeJti.error;
  return (
    <section aria-labelledby="embeds-heading" className={sectionClass}>
      <h2 id="embeds-heading" className="font-semibold">
        Embed tokens
      </h2>
      {embeds.length === 0 ? (
        <p className="text-sm text-slate-500">No embeds yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {embeds.map((t) => (
            <li key={t.id} className="flex items-center justify-between py-2">
              <span>
                {t.widgetTitle !== null
                  ? `Widget “${t.widgetTitle}” of report “${t.reportName}”`
                  : `Report “${t.reportName}”`}{" "}
                · created {new Date(t.createdAt).toLocaleDateString()}
                {t.expiresAt && ` · expires ${new Date(t.expiresAt).toLocaleDateString()}`}
                {t.revokedAt && " · revoked"}
              </span>
              {!t.revokedAt && (
                <button type="button" className="text-red-600" onClick={() => revokeEmbed.mutate(t.id)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          revokeJti.mutate(String(new FormData(e.currentTarget).get("jti")).trim());
          e.currentTarget.reset();
        }}
      >
        <label className="flex flex-col gap-1 text-sm font-medium">
          Revoke a token your backend signed (its jti)
          <input name="jti" required maxLength={128} className={`${control} font-mono`} />
        </label>
        <button
          type="submit"
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm text-red-600 dark:border-slate-700"
        >
          Revoke jti
        </button>
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
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      )}
    </section>
  );
}
