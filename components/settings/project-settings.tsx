"use client";
// Project settings: the project itself, members and roles, API keys, the embed signing secret and
// embed tokens. Sections and controls follow the user's role; the server enforces the same rules
// (and sends admins' sections only to admins).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import type { RevokedJti } from "@/lib/embed/revocations";
import type { EmbedSecretStatus } from "@/lib/embed/signing-secret";
import type { Role } from "@/lib/workspace/schemas";
import { EmbedSecretSection } from "./embed-secret-section";
import { type EmbedRow, EmbedTokensSection } from "./embed-tokens-section";
import { type KeyRow, KeysSection } from "./keys-section";
import { type MemberRow, MembersSection } from "./members-section";
import { PrivacySection } from "./privacy-section";

interface Settings {
  role: Role;
  project: { id: string; name: string; timezone: string; domain: string | null; embedTokenMaxLifetimeSeconds: number };
  members: MemberRow[];
  keys: KeyRow[];
  embeds: EmbedRow[];
  embedSecret: EmbedSecretStatus | null;
  revokedJtis: RevokedJti[];
}

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const sectionClass =
  "flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

export function ProjectSettings({ projectId }: { projectId: string }) {
  const client = useQueryClient();
  const key = ["settings", projectId];
  const settings = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<Settings>(`/api/v1/projects/${projectId}/settings`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: key });
  const [saved, setSaved] = useState(false);
  const saveProject = useMutation({
    mutationFn: (body: Record<string, string | null>) =>
      apiFetch(`/api/v1/projects/${projectId}/settings`, { method: "PATCH", body }),
    onSuccess: () => {
      setSaved(true);
      void refresh();
    },
  });

  if (settings.isError) return <p role="alert">{settings.error.message}</p>;
  if (!settings.data)
    return (
      <div
        className="h-64 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800"
        role="status"
        aria-label="Loading"
      />
    );
  const { role, project } = settings.data;
  const isAdmin = role === "admin" || role === "owner";

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="project-heading" className={sectionClass}>
        <h2 id="project-heading" className="font-semibold">
          Project
        </h2>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            saveProject.mutate({
              name: String(form.get("name")),
              timezone: String(form.get("timezone")),
              domain: String(form.get("domain")) || null,
            });
          }}
        >
          <label className="flex flex-col gap-1 text-sm font-medium">
            Name
            <input name="name" defaultValue={project.name} disabled={!isAdmin} className={control} />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Time zone
            <input name="timezone" defaultValue={project.timezone} disabled={!isAdmin} className={control} />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Domain
            <input name="domain" defaultValue={project.domain ?? ""} disabled={!isAdmin} className={control} />
          </label>
          {isAdmin && (
            <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">
              Save
            </button>
          )}
          {saved && <span className="text-sm text-emerald-600">Saved</span>}
          {saveProject.isError && (
            <span role="alert" className="text-sm text-red-600">
              {saveProject.error.message}
            </span>
          )}
        </form>
      </section>
      <MembersSection projectId={projectId} role={role} members={settings.data.members} onChange={refresh} />
      {isAdmin && <KeysSection projectId={projectId} keys={settings.data.keys} onChange={refresh} />}
      {isAdmin && settings.data.embedSecret && (
        <EmbedSecretSection
          projectId={projectId}
          status={settings.data.embedSecret}
          maxLifetimeSeconds={project.embedTokenMaxLifetimeSeconds}
          onChange={refresh}
        />
      )}
      {isAdmin && <PrivacySection projectId={projectId} />}
      {isAdmin && (
        <EmbedTokensSection
          projectId={projectId}
          embeds={settings.data.embeds}
          revokedJtis={settings.data.revokedJtis}
          onChange={refresh}
        />
      )}
    </div>
  );
}
