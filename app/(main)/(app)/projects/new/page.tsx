// A new project, in an organization where the user is an owner or admin (the API checks it again).
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { NewProjectForm } from "@/components/projects/new-project-form";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { listProjectsForUser } from "@/lib/workspace/projects-for-user";

export const metadata: Metadata = { title: "New project" };

export default async function NewProjectPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const { organization } = await searchParams;
  const organizations = (await listProjectsForUser(user.id))
    .filter(({ role }) => hasRole(role, "admin"))
    .map(({ organization: o }) => ({ id: o.id, name: o.name }));
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">New project</h1>
      {organizations.length === 0 ? (
        <p>
          Only owners and admins of an organization create its projects. Ask one of them, or go back to{" "}
          <Link href="/projects" className="text-indigo-700 underline dark:text-indigo-300">
            your projects
          </Link>
          .
        </p>
      ) : (
        <NewProjectForm
          organizations={organizations}
          defaultOrganization={typeof organization === "string" ? organization : undefined}
          zones={Intl.supportedValuesOf("timeZone")}
        />
      )}
    </div>
  );
}
