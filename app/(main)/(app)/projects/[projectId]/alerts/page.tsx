import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AlertsPage } from "@/components/alerts/alerts-page";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser } from "@/lib/workspace/projects-for-user";

export const metadata: Metadata = { title: "Alerts" };

type SearchParams = { new?: string; name?: string; query?: string; rule?: string };

export default async function ProjectAlertsPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { projectId } = await params;
  const user = await getSessionUser();
  const access = user && (await getProjectForUser(user.id, projectId));
  if (!access) notFound();
  const raw = await searchParams;
  const one = (key: keyof SearchParams) => (typeof raw[key] === "string" ? raw[key] : undefined);
  return (
    <AlertsPage
      projectId={projectId}
      canCreateRules={hasRole(access.role, "analyst")}
      canManageChannels={hasRole(access.role, "admin")}
      search={{ new: one("new"), name: one("name"), query: one("query"), rule: one("rule") }}
    />
  );
}
