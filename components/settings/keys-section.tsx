"use client";
// API keys: create (the key is shown once, here, with a Copy button), list by prefix, revoke. The form
// empties once a key is made and is disabled while it is being made, so one click makes one key.
import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import { SettingsSection } from "./settings-section";

export type KeyKind = "write" | "read" | "admin";

export interface KeyRow {
  id: string;
  name: string;
  kind: KeyKind;
  prefix: string;
  allowedOrigins: string[];
  revokedAt: string | null;
}

export interface CreatedKey {
  id: string;
  key: string;
  kind: KeyKind;
}

export function KeysSection({
  projectId,
  keys,
  onChange,
  onCreated,
}: {
  projectId: string;
  keys: KeyRow[];
  onChange: () => void;
  /** A key was made: its clear text, which the page may use (the install snippet) but never gets again. */
  onCreated?: (key: CreatedKey) => void;
}) {
  const form = useRef<HTMLFormElement>(null);
  // Set at once on submit (the pending state renders a moment later): a double click makes one key.
  const submitting = useRef(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; kind: KeyKind; allowed_origins: string[] }) =>
      apiFetch<{ id: string; key: string }>(`/api/v1/projects/${projectId}/keys`, { body }).then(
        (answer): CreatedKey => ({ ...answer, kind: body.kind }),
      ),
    onSuccess: (key) => {
      setCreated(key);
      form.current?.reset();
      onCreated?.(key);
      onChange();
    },
    onSettled: () => {
      submitting.current = false;
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/projects/${projectId}/keys/${id}`, { method: "DELETE" }),
    onSuccess: onChange,
  });
  return (
    <SettingsSection id="keys" title="API keys">
      {created && (
        <div
          role="status"
          className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50"
        >
          <p>Copy this key now: it is shown only this once.</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 break-all font-mono" data-testid="new-key">
              {created.key}
            </code>
            <CopyButton value={created.key} label="Copy key" size="sm" />
            <Button size="sm" variant="quiet" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      )}
      <ul aria-label="Keys" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
        {keys.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              <code className="font-mono">{k.prefix}…</code> {k.name} · {k.kind}
              {k.allowedOrigins.length > 0 && ` · ${k.allowedOrigins.join(", ")}`}
              {k.revokedAt && " · revoked"}
            </span>
            {!k.revokedAt && (
              <Button
                size="sm"
                variant="danger"
                aria-label={`Revoke ${k.name}`}
                onClick={() => confirm(`Revoke ${k.name}?`) && revoke.mutate(k.id)}
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      <form
        ref={form}
        aria-label="Create an API key"
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (submitting.current) return;
          submitting.current = true;
          const data = new FormData(e.currentTarget);
          const origins = String(data.get("origins"))
            .split(/[\s,]+/)
            .filter(Boolean);
          create.mutate({
            name: String(data.get("name")),
            kind: data.get("kind") as KeyKind,
            allowed_origins: origins,
          });
        }}
      >
        <Field label="Key name" error={fieldError(create.error, "name")}>
          <Input name="name" required maxLength={200} />
        </Field>
        <Field label="Kind">
          <Select name="kind" defaultValue="write">
            <option value="write">write (ingestion)</option>
            <option value="read">read (query API)</option>
            <option value="admin">admin (create embeds from your server)</option>
          </Select>
        </Field>
        <Field
          label="Allowed origins"
          hint="Optional, comma-separated: only pages on these sites may send with this key"
          error={fieldError(create.error, "allowed_origins")}
        >
          <Input name="origins" placeholder="https://example.com" />
        </Field>
        <Button type="submit" variant="primary" disabled={create.isPending} className="mt-6">
          {create.isPending ? "Creating…" : "Create key"}
        </Button>
      </form>
      <FormError error={create.error ?? revoke.error} />
    </SettingsSection>
  );
}
