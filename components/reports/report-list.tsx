"use client";
// A project's reports: open, create (blank or from a template), rename and delete (analyst+ only).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatCount } from "@/components/widgets/format";
import { useLocale } from "@/components/widgets/use-locale";
import { apiFetch } from "@/lib/api/client";
import type { Role } from "@/lib/workspace/schemas";

interface ReportSummary {
  id: string;
  name: string;
  updatedAt: string;
  widgets: number;
}

const templates = [
  { id: "traffic", name: "Traffic overview" },
  { id: "signup_funnel", name: "Signup funnel" },
  { id: "weekly_retention", name: "Weekly retention" },
];

const button =
  "rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

export function ReportList({ projectId }: { projectId: string }) {
  const router = useRouter();
  const client = useQueryClient();
  const locale = useLocale();
  const key = ["reports", projectId];
  const reports = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<{ role: Role; reports: ReportSummary[] }>(`/api/v1/projects/${projectId}/reports`),
  });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (body: { name: string } | { template: string }) =>
      apiFetch<{ id: string }>(`/api/v1/projects/${projectId}/reports`, { body }),
    onSuccess: (report) => router.push(`/projects/${projectId}/reports/${report.id}`),
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/reports/${id}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });

  if (reports.isError) return <p role="alert">{reports.error.message}</p>;
  if (!reports.data)
    return (
      <div
        className="h-40 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800"
        role="status"
        aria-label="Loading"
      />
    );
  const canEdit = reports.data.role !== "viewer";

  return (
    <div className="flex flex-col gap-6">
      {canEdit && (
        <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) create.mutate({ name: name.trim() });
            }}
          >
            <label className="flex flex-col gap-1 text-sm font-medium">
              New report name
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                className="rounded-md border border-slate-300 bg-transparent px-3 py-1.5 dark:border-slate-700"
              />
            </label>
            <button
              type="submit"
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Create report
            </button>
          </form>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-500">Or start from a template:</span>
            {templates.map((t) => (
              <button key={t.id} type="button" className={button} onClick={() => create.mutate({ template: t.id })}>
                {t.name}
              </button>
            ))}
          </div>
          {create.isError && (
            <p role="alert" className="text-sm text-red-600">
              {create.error.message}
            </p>
          )}
        </div>
      )}
      {reports.data.reports.length === 0 ? (
        <p className="text-slate-500">No reports yet.{canEdit ? " Create one above, or start from a template." : ""}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {reports.data.reports.map((r) => (
            <li key={r.id} className="flex items-center justify-between gap-3 p-4">
              <Link href={`/projects/${projectId}/reports/${r.id}`} className="font-medium hover:underline">
                {r.name}
              </Link>
              <span className="flex items-center gap-3 text-sm text-slate-500">
                {formatCount(r.widgets, { one: "widget", other: "widgets" }, locale)}
                {canEdit && (
                  <button
                    type="button"
                    className={button}
                    onClick={() => confirm(`Delete "${r.name}"?`) && remove.mutate(r.id)}
                    aria-label={`Delete report ${r.name}`}
                  >
                    Delete
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
