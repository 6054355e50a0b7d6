"use client";
// Members of the project's organization: owners add people, change roles and remove members.
import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { Role } from "@/lib/workspace/schemas";
import { SettingsSection } from "./settings-section";

export interface MemberRow {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
}

const roles: Role[] = ["owner", "admin", "analyst", "viewer"];

export function MembersSection({
  projectId,
  role,
  members,
  onChange,
}: {
  projectId: string;
  role: Role;
  members: MemberRow[];
  onChange: () => void;
}) {
  const isOwner = role === "owner";
  const form = useRef<HTMLFormElement>(null);
  const add = useMutation({
    mutationFn: (body: { email: string; role: Role; password?: string }) =>
      apiFetch(`/api/v1/projects/${projectId}/members`, { body }),
    onSuccess: () => {
      form.current?.reset();
      onChange();
    },
  });
  const changeRole = useMutation({
    mutationFn: (body: { email: string; role: Role }) => apiFetch(`/api/v1/projects/${projectId}/members`, { body }),
    onSuccess: onChange,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => apiFetch(`/api/v1/projects/${projectId}/members/${userId}`, { method: "DELETE" }),
    onSuccess: onChange,
  });
  return (
    <SettingsSection id="members" title="Members">
      <ul aria-label="Members" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
        {members.map((m) => (
          <li key={m.userId} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>{m.email}</span>
            {isOwner ? (
              <span className="flex items-center gap-2">
                <Select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={(e) => changeRole.mutate({ email: m.email, role: e.target.value as Role })}
                >
                  {roles.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </Select>
                <Button
                  size="sm"
                  variant="danger"
                  aria-label={`Remove ${m.email}`}
                  onClick={() => confirm(`Remove ${m.email}?`) && remove.mutate(m.userId)}
                >
                  Remove
                </Button>
              </span>
            ) : (
              <span className="text-slate-600 dark:text-slate-400">{m.role}</span>
            )}
          </li>
        ))}
      </ul>
      {isOwner && (
        <form
          ref={form}
          aria-label="Add a member"
          className="flex flex-wrap items-start gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (add.isPending) return;
            const data = new FormData(e.currentTarget);
            const password = String(data.get("password"));
            add.mutate({
              email: String(data.get("email")),
              role: data.get("role") as Role,
              ...(password ? { password } : {}),
            });
          }}
        >
          <Field label="Email" error={fieldError(add.error, "email")}>
            <Input name="email" type="email" required />
          </Field>
          <Field label="Role">
            <Select name="role" defaultValue="analyst">
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
          </Field>
          <Field
            label="Initial password"
            hint="For someone new to Lumen: 8 characters or more"
            error={fieldError(add.error, "password")}
          >
            <Input name="password" type="password" minLength={8} autoComplete="new-password" />
          </Field>
          <Button type="submit" variant="primary" disabled={add.isPending} className="mt-6">
            Add member
          </Button>
        </form>
      )}
      <FormError error={add.error ?? changeRole.error ?? remove.error} />
    </SettingsSection>
  );
}
