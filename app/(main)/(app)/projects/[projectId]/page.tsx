import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { ProjectOverview } from "@/components/dashboard/project-overview";
import { requestOrigin } from "@/lib/api/request-origin";

export const metadata: Metadata = { title: "Overview" };

export default async function ProjectOverviewPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return (
    <Suspense>
      <ProjectOverview projectId={projectId} origin={requestOrigin(await headers())} />
    </Suspense>
  );
}
