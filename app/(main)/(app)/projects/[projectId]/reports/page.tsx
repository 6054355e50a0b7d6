import type { Metadata } from "next";
import { ReportList } from "@/components/reports/report-list";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage({ params }: { params: Promise<{ projectId: string }> }) {
  return <ReportList projectId={(await params).projectId} />;
}
