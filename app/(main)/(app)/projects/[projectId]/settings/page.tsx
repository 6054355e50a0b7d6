import type { Metadata } from "next";
import { ProjectSettings } from "@/components/settings/project-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  return <ProjectSettings projectId={(await params).projectId} />;
}
