import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { ReportBoard } from "@/components/reports/report-board";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Report" };

export default async function ReportPage({ params }: { params: Promise<{ projectId: string; reportId: string }> }) {
  const { projectId, reportId } = await params;
  if (!isUuid(reportId)) notFound();
  return (
    <Suspense>
      <ReportBoard projectId={projectId} reportId={reportId} />
    </Suspense>
  );
}
