"use client";
// A new project: its organization (when the user may create in several), name, time zone (this
// browser's by default) and optional domain; then on to its settings to install the tracker.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { TimeZoneSelect } from "@/components/ui/time-zone-select";
import { apiFetch, fieldError } from "@/lib/api/client";

export function NewProjectForm({
  organizations,
  defaultOrganization,
  zones,
}: {
  organizations: { id: string; name: string }[];
  defaultOrganization?: string;
  /** The time zones the server accepts. */
  zones: string[];
}) {
  const router = useRouter();
  const [timezone, setTimezone] = useState("UTC");
  // The browser's own zone, once on the client (the server does not know it).
  useEffect(() => {
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (own && zones.includes(own)) setTimezone(own);
  }, [zones]);
  // Set at once on submit (the pending state renders a moment later): a double click makes one project.
  const submitting = useRef(false);
  const create = useMutation({
    mutationFn: (body: { organization_id: string; name: string; timezone: string; domain?: string }) =>
      apiFetch<{ id: string }>("/api/v1/projects", { body }),
    onError: () => {
      submitting.current = false;
    },
    onSuccess: (project) => {
      router.push(`/projects/${project.id}/settings`);
      router.refresh();
    },
  });
  return (
    <form
      aria-label="New project"
      className="flex max-w-md flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (submitting.current) return;
        submitting.current = true;
        const form = new FormData(e.currentTarget);
        const domain = String(form.get("domain") ?? "").trim();
        create.mutate({
          organization_id: String(form.get("organization")),
          name: String(form.get("name")),
          timezone,
          ...(domain ? { domain } : {}),
        });
      }}
    >
      {organizations.length > 1 ? (
        <Field label="Organization" error={fieldError(create.error, "organization_id")}>
          <Select name="organization" defaultValue={defaultOrganization ?? organizations[0]?.id}>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </Select>
        </Field>
      ) : (
        <input type="hidden" name="organization" value={organizations[0]?.id} />
      )}
      <Field label="Name" hint="Your site or app, e.g. Marketing site" error={fieldError(create.error, "name")}>
        <Input name="name" required maxLength={200} autoComplete="off" />
      </Field>
      <Field
        label="Time zone"
        hint="Days in reports start at midnight here; you can change it later"
        error={fieldError(create.error, "timezone")}
      >
        <TimeZoneSelect name="timezone" zones={zones} value={timezone} onChange={(e) => setTimezone(e.target.value)} />
      </Field>
      <Field label="Domain" hint="Optional" error={fieldError(create.error, "domain")}>
        <Input name="domain" placeholder="example.com" />
      </Field>
      <FormError error={create.error} />
      <Button type="submit" variant="primary" className="self-start" disabled={create.isPending || create.isSuccess}>
        {create.isPending || create.isSuccess ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
