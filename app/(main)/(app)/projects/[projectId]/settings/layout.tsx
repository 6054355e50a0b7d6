// A project's settings: the settings themselves, and for owners and admins the audit log.
import { redirect } from "next/navigation";
import { SettingsNav } from "@/components/audit/settings-nav";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser } from "@/lib/workspace/projects-for-user";

export default async function SettingsLayout({
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
  return (
    <div className="flex flex-col gap-4">
      {access && hasRole(access.role, "admin") && <SettingsNav projectId={projectId} />}
      {children}
    </div>
  );
}
