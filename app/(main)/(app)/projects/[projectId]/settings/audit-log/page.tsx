import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { AuditLog } from "@/components/audit/audit-log";
import { EmptyState } from "@/components/ui/empty-state";
import { listAuditActors } from "@/lib/audit/audit-log";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser } from "@/lib/workspace/projects-for-user";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const access = await getProjectForUser(user.id, projectId);
  if (!access) notFound();
  if (!hasRole(access.role, "admin"))
    return <EmptyState title="The audit log is for owners and admins of this organization." />;
  return <AuditLog projectId={projectId} actors={await listAuditActors({ userId: user.id }, projectId)} />;
}
