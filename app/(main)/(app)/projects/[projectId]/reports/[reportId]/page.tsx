import type { Metadata } from "next";
import { Suspense } from "react";
import { ReportBoard } from "@/components/reports/report-board";

export const metadata: Metadata = { title: "Report" };

export default async function ReportPage({ params }: { params: Promise<{ projectId: string; reportId: string }> }) {
  const { projectId, reportId } = await params;
  return (
    <Suspense>
      <ReportBoard projectId={projectId} reportId={reportId} />
    </Suspense>
  );
}
