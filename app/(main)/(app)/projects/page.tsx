// The projects of every organization the user belongs to; owners and admins start new ones here.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { buttonClass } from "@/components/ui/button";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { listProjectsForUser } from "@/lib/workspace/projects-for-user";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const organizations = await listProjectsForUser(user.id);
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-semibold">Projects</h1>
      {organizations.length === 0 && (
        <p>You are not a member of any organization yet. Ask an owner or admin to add you.</p>
      )}
      {organizations.map(({ organization, role, projects }) => (
        <section key={organization.id} aria-labelledby={`org-${organization.id}`}>
          <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
            <h2
              id={`org-${organization.id}`}
              className="text-sm font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400"
            >
              {organization.name} <span className="font-normal normal-case">· {role}</span>
            </h2>
            {hasRole(role, "admin") && (
              <Link
                href={`/projects/new?organization=${organization.id}`}
                className={buttonClass({ size: "sm" })}
                aria-label={`New project in ${organization.name}`}
              >
                New project
              </Link>
            )}
          </div>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {projects.map((p) => (
              <li key={p.id}>
                <Link
                  href={`/projects/${p.id}`}
                  className="block rounded-lg border border-slate-200 bg-white p-4 hover:border-indigo-400 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-800 dark:bg-slate-900"
                >
                  <span className="font-medium">{p.name}</span>
                  <span className="block text-sm text-slate-600 dark:text-slate-400">{p.timezone}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
