"use client";
// A project's sections. The current one is marked for everyone: aria-current for assistive
// technology ("page" on the section's own page, "true" on a page inside it, such as one report), and
// a filled, underlined tab for the eye (not colour alone).
import Link from "next/link";
import { usePathname } from "next/navigation";

export function projectSections(projectId: string, options: { people: boolean } = { people: false }) {
  const base = `/projects/${projectId}`;
  const within = (href: string) => (path: string) => path.startsWith(href);
  return [
    { name: "Overview", href: base, within: (path: string) => path === base },
    { name: "Realtime", href: `${base}/realtime`, within: within(`${base}/realtime`) },
    // Person-level data: analysts and up (the page and its API answer viewers 403).
    ...(options.people ? [{ name: "People", href: `${base}/people`, within: within(`${base}/people`) }] : []),
    { name: "Reports", href: `${base}/reports`, within: within(`${base}/reports`) },
    { name: "Segments", href: `${base}/segments`, within: within(`${base}/segments`) },
    { name: "Performance", href: `${base}/performance`, within: within(`${base}/performance`) },
    { name: "Errors", href: `${base}/errors`, within: within(`${base}/errors`) },
    { name: "Alerts", href: `${base}/alerts`, within: within(`${base}/alerts`) },
    { name: "Settings", href: `${base}/settings`, within: within(`${base}/settings`) },
  ];
}

const tab =
  "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-500 hover:bg-slate-200 dark:hover:bg-slate-800";
const currentTab =
  "bg-white text-indigo-800 underline decoration-2 underline-offset-[6px] shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:text-indigo-300 dark:ring-slate-700";

export function ProjectNav({ projectId, showPeople }: { projectId: string; showPeople: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Project">
      <ul className="flex flex-wrap gap-1">
        {projectSections(projectId, { people: showPeople }).map((section) => {
          const current = section.href === pathname ? "page" : section.within(pathname) ? "true" : undefined;
          return (
            <li key={section.name}>
              <Link
                href={section.href}
                aria-current={current}
                className={`${tab} ${current ? currentTab : "text-slate-700 dark:text-slate-300"} block`}
              >
                {section.name}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
