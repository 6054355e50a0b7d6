"use client";
// Tabs within a project's settings for owners and admins: the settings, and the audit log. The
// current one is underlined (not marked by colour alone) and carries aria-current.
import Link from "next/link";
import { usePathname } from "next/navigation";

export function SettingsNav({ projectId }: { projectId: string }) {
  const pathname = usePathname();
  const tabs = [
    { href: `/projects/${projectId}/settings`, label: "General" },
    { href: `/projects/${projectId}/settings/audit-log`, label: "Audit log" },
  ];
  return (
    <nav aria-label="Settings" className="flex gap-1 border-b border-slate-200 dark:border-slate-800">
      {tabs.map((tab) => {
        const current = pathname === tab.href;
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-500 ${
              current
                ? "border-indigo-600 text-indigo-700 dark:text-indigo-300"
                : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
