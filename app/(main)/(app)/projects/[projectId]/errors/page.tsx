import type { Metadata } from "next";
import { Suspense } from "react";
import { ErrorsPage } from "@/components/monitoring/errors-page";

export const metadata: Metadata = { title: "Errors" };

export default async function ProjectErrorsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return (
    <Suspense>
      <ErrorsPage projectId={projectId} />
    </Suspense>
  );
}
