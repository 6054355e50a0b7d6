// A project's pages: tabs for the overview, reports, alerts and settings; 404 for anyone outside its organization.
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser } from "@/lib/workspace/projects-for-user";

export default async function ProjectLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const access = await getProjectForUser(user.id, projectId);
  if (!access) notFound();
  const tab = "rounded-md px-3 py-1.5 text-sm font-medium hover:bg-slate-200 dark:hover:bg-slate-800";
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{access.project.name}</h1>
        <nav aria-label="Project" className="flex gap-1">
          <Link className={tab} href={`/projects/${projectId}`}>
            Overview
          </Link>
          <Link className={tab} href={`/projects/${projectId}/reports`}>
            Reports
          </Link>
          <Link className={tab} href={`/projects/${projectId}/alerts`}>
            Alerts
          </Link>
          <Link className={tab} href={`/projects/${projectId}/settings`}>
            Settings
          </Link>
        </nav>
      </div>
      {children}
    </div>
  );
}
