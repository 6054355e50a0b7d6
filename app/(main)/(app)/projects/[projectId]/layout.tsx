// A project's pages: its name, the project switcher and the section tabs; 404 for anyone outside its organization.
import { notFound, redirect } from "next/navigation";
import { ProjectNav } from "@/components/shell/project-nav";
import { ProjectSwitcher } from "@/components/shell/project-switcher";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser, listProjectsForUser } from "@/lib/workspace/projects-for-user";

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
  const [access, organizations] = await Promise.all([
    getProjectForUser(user.id, projectId),
    listProjectsForUser(user.id),
  ]);
  if (!access) notFound();
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 flex-wrap items-center gap-3">
          <h1 className="min-w-0 text-2xl font-semibold break-words">{access.project.name}</h1>
          <ProjectSwitcher
            current={{ id: access.project.id, name: access.project.name }}
            organizations={organizations.map(({ organization, role, projects }) => ({
              id: organization.id,
              name: organization.name,
              canCreate: hasRole(role, "admin"),
              projects: projects.map((p) => ({ id: p.id, name: p.name })),
            }))}
          />
        </div>
        <ProjectNav projectId={projectId} showPeople={hasRole(access.role, "analyst")} />
      </div>
      {children}
    </div>
  );
}
