"use client";
// Project settings: the project itself, install and verify, members and roles, API keys, the embed
// signing secret and embed tokens. Sections and controls follow the user's role; the server enforces
// the same rules (and sends admins' sections only to admins). The page follows the project's live
// stream, so the installation check updates as events arrive.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useProjectLive } from "@/components/hooks/use-project-live";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeZoneSelect } from "@/components/ui/time-zone-select";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { RevokedJti } from "@/lib/embed/revocations";
import type { EmbedSecretStatus } from "@/lib/embed/signing-secret";
import type { Role } from "@/lib/workspace/schemas";
import { EmbedSecretSection } from "./embed-secret-section";
import { type EmbedRow, EmbedTokensSection } from "./embed-tokens-section";
import { GoalsSection } from "./goals-section";
import { InstallSection } from "./install-section";
import { type CreatedKey, type KeyRow, KeysSection } from "./keys-section";
import { type MemberRow, MembersSection } from "./members-section";
import { PersonDeletionSection } from "./person-deletion-section";
import { PrivacySection } from "./privacy-section";
import { SettingsSection } from "./settings-section";

interface Settings {
  role: Role;
  project: { id: string; name: string; timezone: string; domain: string | null; embedTokenMaxLifetimeSeconds: number };
  members: MemberRow[];
  keys: KeyRow[];
  embeds: EmbedRow[];
  embedSecret: EmbedSecretStatus | null;
  revokedJtis: RevokedJti[];
}

/** The first sections' outline while the settings load: about as tall as what replaces it. */
function SettingsSkeleton() {
  return (
    <div role="status" aria-label="Loading" className="flex flex-col gap-6">
      {[
        ["h-9", "w-24"],
        ["h-40", "w-40"],
      ].map(([body, heading]) => (
        <div
          key={body}
          className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <Skeleton className={`h-6 ${heading}`} />
          <Skeleton className={`${body} w-full`} />
        </div>
      ))}
    </div>
  );
}

function ProjectSection({
  projectId,
  project,
  isAdmin,
  onChange,
}: {
  projectId: string;
  project: Settings["project"];
  isAdmin: boolean;
  onChange: () => void;
}) {
  const router = useRouter();
  const save = useMutation({
    mutationFn: (body: { name: string; timezone: string; domain: string | null }) =>
      apiFetch(`/api/v1/projects/${projectId}/settings`, { method: "PATCH", body }),
    onSuccess: () => {
      onChange();
      // The name also heads the page and the project switcher, which the server renders.
      router.refresh();
    },
  });
  return (
    <SettingsSection id="project" title="Project">
      <form
        aria-label="Project"
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          save.mutate({
            name: String(form.get("name")),
            timezone: String(form.get("timezone")),
            domain: String(form.get("domain")) || null,
          });
        }}
      >
        <Field label="Name" error={fieldError(save.error, "name")}>
          <Input name="name" required maxLength={200} defaultValue={project.name} disabled={!isAdmin} />
        </Field>
        <Field
          label="Time zone"
          hint="Days in reports start at midnight here"
          error={fieldError(save.error, "timezone")}
        >
          <TimeZoneSelect name="timezone" defaultValue={project.timezone} disabled={!isAdmin} />
        </Field>
        <Field label="Domain" error={fieldError(save.error, "domain")}>
          <Input name="domain" defaultValue={project.domain ?? ""} disabled={!isAdmin} placeholder="example.com" />
        </Field>
        {isAdmin && (
          <Button type="submit" variant="primary" className="mt-6" disabled={save.isPending}>
            Save
          </Button>
        )}
        {save.isSuccess && (
          <span aria-live="polite" className="mt-7 text-sm text-emerald-700 dark:text-emerald-400">
            Saved
          </span>
        )}
      </form>
      <FormError error={save.error} />
    </SettingsSection>
  );
}

export function ProjectSettings({ projectId, origin }: { projectId: string; origin: string }) {
  const client = useQueryClient();
  const key = ["settings", projectId];
  useProjectLive(projectId);
  const settings = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<Settings>(`/api/v1/projects/${projectId}/settings`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: key });
  const [writeKey, setWriteKey] = useState<string | null>(null);
  const keyMade = (made: CreatedKey) => made.kind === "write" && setWriteKey(made.key);
  const snippetKey = useMutation({
    mutationFn: () =>
      apiFetch<{ id: string; key: string }>(`/api/v1/projects/${projectId}/keys`, {
        body: { name: "Website tracker", kind: "write", allowed_origins: [] },
      }),
    onSuccess: (made) => {
      setWriteKey(made.key);
      void refresh();
    },
  });

  if (settings.isError) return <FormError error={settings.error} />;
  if (!settings.data) return <SettingsSkeleton />;
  const { role, project } = settings.data;
  const isAdmin = role === "admin" || role === "owner";

  return (
    <div className="flex flex-col gap-6">
      <ProjectSection projectId={projectId} project={project} isAdmin={isAdmin} onChange={refresh} />
      <InstallSection
        projectId={projectId}
        origin={origin}
        writeKey={writeKey}
        canCreateKey={isAdmin}
        creatingKey={snippetKey.isPending}
        createKeyError={snippetKey.error}
        onCreateKey={() => snippetKey.mutate()}
      />
      <GoalsSection projectId={projectId} canManage={role !== "viewer"} />
      <MembersSection projectId={projectId} role={role} members={settings.data.members} onChange={refresh} />
      {isAdmin && (
        <KeysSection projectId={projectId} keys={settings.data.keys} onChange={refresh} onCreated={keyMade} />
      )}
      {isAdmin && settings.data.embedSecret && (
        <EmbedSecretSection
          projectId={projectId}
          status={settings.data.embedSecret}
          maxLifetimeSeconds={project.embedTokenMaxLifetimeSeconds}
          onChange={refresh}
        />
      )}
      {isAdmin && <PrivacySection projectId={projectId} />}
      {isAdmin && <PersonDeletionSection projectId={projectId} />}
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
