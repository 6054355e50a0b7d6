"use client";
// A project's reports: open, create (blank or from a template), rename and delete (analyst+ only).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Skeleton } from "@/components/ui/skeleton";
import { formatCount } from "@/components/widgets/format";
import { useLocale } from "@/components/widgets/use-locale";
import { apiFetch, fieldError } from "@/lib/api/client";
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
  { id: "user_paths", name: "User paths" },
];

/** The list's outline while it loads: the create bar and three rows. */
function ReportListSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div role="status" aria-label="Loading" className="flex flex-col gap-6">
      <Skeleton className="h-[138px] w-full" />
      <div className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
        {Array.from({ length: rows }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholder rows, never reordered.
          <div key={i} className="flex h-[62px] items-center justify-between gap-3 px-4">
            <Skeleton className="h-5 w-48" />
            <Skeleton className="h-5 w-32" />
          </div>
        ))}
      </div>
    </div>
  );
}

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

  if (reports.isError) return <FormError error={reports.error} />;
  if (!reports.data) return <ReportListSkeleton />;
  const canEdit = reports.data.role !== "viewer";

  return (
    <div className="flex flex-col gap-6">
      {canEdit && (
        <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <form
            aria-label="New report"
            className="flex flex-wrap items-start gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) create.mutate({ name: name.trim() });
            }}
          >
            <Field label="New report name" error={fieldError(create.error, "name")}>
              <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
            </Field>
            <Button type="submit" variant="primary" className="mt-6" disabled={create.isPending}>
              Create report
            </Button>
          </form>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-600 dark:text-slate-400">Or start from a template:</span>
            {templates.map((t) => (
              <Button key={t.id} onClick={() => create.mutate({ template: t.id })} disabled={create.isPending}>
                {t.name}
              </Button>
            ))}
          </div>
          <FormError error={create.error} />
        </div>
      )}
      {reports.data.reports.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">
          No reports yet.{canEdit ? " Create one above, or start from a template." : ""}
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {reports.data.reports.map((r) => (
            <li key={r.id} className="flex items-center justify-between gap-3 p-4">
              <Link href={`/projects/${projectId}/reports/${r.id}`} className="font-medium hover:underline">
                {r.name}
              </Link>
              <span className="flex items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
                {formatCount(r.widgets, { one: "widget", other: "widgets" }, locale)}
                {canEdit && (
                  <Button
                    variant="danger"
                    size="sm"
                    onClick={() => confirm(`Delete "${r.name}"?`) && remove.mutate(r.id)}
                    aria-label={`Delete report ${r.name}`}
                  >
                    Delete
                  </Button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
