import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SegmentsPage } from "@/components/segments/segments-page";
import { getSessionUser } from "@/lib/auth/session";
import { getProjectForUser } from "@/lib/workspace/projects-for-user";

export const metadata: Metadata = { title: "Segments" };

export default async function ProjectSegmentsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await getSessionUser();
  if (!user || !(await getProjectForUser(user.id, projectId))) notFound();
  return <SegmentsPage projectId={projectId} />;
}
