"use client";
// Members of the project's organization: owners add people, change roles and remove members.
import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import type { Role } from "@/lib/workspace/schemas";

export interface MemberRow {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
}

const roles: Role[] = ["owner", "admin", "analyst", "viewer"];
const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

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
  const upsert = useMutation({
    mutationFn: (body: { email: string; role: Role; password?: string }) =>
      apiFetch(`/api/v1/projects/${projectId}/members`, { body }),
    onSuccess: onChange,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => apiFetch(`/api/v1/projects/${projectId}/members/${userId}`, { method: "DELETE" }),
    onSuccess: onChange,
  });
  const error = upsert.error ?? remove.error;
  return (
    <section
      aria-labelledby="members-heading"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="members-heading" className="font-semibold">
        Members
      </h2>
      <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
        {members.map((m) => (
          <li key={m.userId} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>{m.email}</span>
            {isOwner ? (
              <span className="flex items-center gap-2">
                <select
                  aria-label={`Role of ${m.email}`}
                  className={control}
                  value={m.role}
                  onChange={(e) => upsert.mutate({ email: m.email, role: e.target.value as Role })}
                >
                  {roles.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
                <button
                  type="button"
                  className="text-red-600"
                  onClick={() => confirm(`Remove ${m.email}?`) && remove.mutate(m.userId)}
                >
                  Remove
                </button>
              </span>
            ) : (
              <span className="text-slate-500">{m.role}</span>
            )}
          </li>
        ))}
      </ul>
      {isOwner && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const password = String(form.get("password"));
            upsert.mutate({
              email: String(form.get("email")),
              role: form.get("role") as Role,
              ...(password ? { password } : {}),
            });
            e.currentTarget.reset();
          }}
        >
          <label className="flex flex-col gap-1 text-sm font-medium">
            Email
            <input name="email" type="email" required className={control} />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Role
            <select name="role" defaultValue="analyst" className={control}>
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Initial password (new users)
            <input name="password" type="password" minLength={8} className={control} />
          </label>
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">
            Add member
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      )}
    </section>
  );
}
