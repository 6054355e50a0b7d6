// "Alert me when…" on a widget: opens the alerts page's form with the widget's query (metric and
// trend widgets: what an alert rule can measure).
import Link from "next/link";
import type { QueryDefinitionInput } from "@/lib/query/schemas";

export function alertFromWidgetHref(projectId: string, title: string, query: QueryDefinitionInput): string | null {
  if (query.kind !== "metric" && query.kind !== "trend") return null;
  const params = new URLSearchParams({ new: "1", name: title, query: JSON.stringify(query) });
  return `/projects/${projectId}/alerts?${params}`;
}

export function AlertMeLink({
  projectId,
  title,
  query,
  className,
}: {
  projectId: string;
  title: string;
  query: QueryDefinitionInput;
  className?: string;
}) {
  const href = alertFromWidgetHref(projectId, title, query);
  if (!href) return null;
  return (
    <Link href={href} className={className} aria-label={`Alert me when ${title}…`}>
      Alert me…
    </Link>
  );
}
