import type { Metadata } from "next";
import { RealtimePage } from "@/components/realtime/realtime-page";

export const metadata: Metadata = { title: "Realtime" };

// Any member (the layout answers 404 for anyone else): the page shows what the overview shows, live.
export default async function ProjectRealtimePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return <RealtimePage projectId={projectId} />;
}
