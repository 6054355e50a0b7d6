import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PeoplePage } from "@/components/people/people-page";
import { hasRole } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser } from "@/lib/workspace/projects-for-user";

export const metadata: Metadata = { title: "People" };

// Analysts and up (person-level data); viewers are told why they cannot see it, as the API answers 403.
export default async function ProjectPeoplePage({
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
  if (!hasRole(access.role, "analyst"))
    return (
      <p role="alert" className="text-sm">
        People are shown to analysts, admins and owners: person-level data is more sensitive than the overview's
        aggregates. You are a {access.role}.
      </p>
    );
  const raw = await searchParams;
  const one = (key: string) => (typeof raw[key] === "string" ? raw[key] : undefined);
  const userId = one("user_id");
  const anonymousId = one("anonymous_id");
  return (
    <PeoplePage
      projectId={projectId}
      lookup={
        userId !== undefined
          ? { kind: "user_id", id: userId }
          : anonymousId !== undefined
            ? { kind: "anonymous_id", id: anonymousId }
            : null
      }
      canDelete={hasRole(access.role, "admin")}
    />
  );
}
