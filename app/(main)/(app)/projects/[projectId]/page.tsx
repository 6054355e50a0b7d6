import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { ProjectOverview } from "@/components/dashboard/project-overview";

export const metadata: Metadata = { title: "Overview" };

export default async function ProjectOverviewPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const host = (await headers()).get("host") ?? "localhost:3000";
  return (
    <Suspense>
      <ProjectOverview projectId={projectId} origin={`http://${host}`} />
    </Suspense>
  );
}
