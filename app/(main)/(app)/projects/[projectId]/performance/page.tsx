import type { Metadata } from "next";
import { Suspense } from "react";
import { PerformancePage } from "@/components/monitoring/performance-page";

export const metadata: Metadata = { title: "Performance" };

export default async function ProjectPerformancePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return (
    <Suspense>
      <PerformancePage projectId={projectId} />
    </Suspense>
  );
}
