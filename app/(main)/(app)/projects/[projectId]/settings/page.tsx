import type { Metadata } from "next";
import { headers } from "next/headers";
import { ProjectSettings } from "@/components/settings/project-settings";
import { requestOrigin } from "@/lib/api/request-origin";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  return <ProjectSettings projectId={(await params).projectId} origin={requestOrigin(await headers())} />;
}
