"use client";
// Switches between the projects of every organization the user belongs to: a button that opens a
// list of links (the disclosure pattern). Keyboard: Enter, Space or ArrowDown opens it and focuses
// the current project; ArrowUp and ArrowDown move between entries, Home and End jump; Escape closes
// it and returns to the button; leaving it (Tab, a click elsewhere) closes it. A switch keeps the
// section (overview, realtime, people, reports or settings).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

export interface SwitcherOrganization {
  id: string;
  name: string;
  canCreate: boolean;
  projects: { id: string; name: string }[];
}

function sectionOf(pathname: string, projectId: string): string {
  const rest = pathname.slice(`/projects/${projectId}`.length);
  if (rest.startsWith("/reports")) return "/reports";
  if (rest.startsWith("/realtime")) return "/realtime";
  if (rest.startsWith("/people")) return "/people";
  if (rest.startsWith("/settings")) return "/settings";
  return "";
}

export function ProjectSwitcher({
  current,
  organizations,
}: {
  current: { id: string; name: string };
  organizations: SwitcherOrganization[];
}) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const listId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const section = sectionOf(pathname, current.id);

  const entries = () => [...(root.current?.querySelectorAll<HTMLAnchorElement>("[data-switcher-entry]") ?? [])];
  const focusEntry = (index: number) => {
    const all = entries();
    all[(index + all.length) % all.length]?.focus();
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  // Opening by keyboard or click puts focus on the current project's entry.
  useEffect(() => {
    if (open) root.current?.querySelector<HTMLAnchorElement>("[aria-current]")?.focus();
  }, [open]);

  // A navigation (a project picked) closes the list.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each new path on purpose.
  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const onListKey = (event: KeyboardEvent) => {
    const all = entries();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    switch (event.key) {
      case "ArrowDown":
        focusEntry(at + 1);
        break;
      case "ArrowUp":
        focusEntry(at - 1);
        break;
      case "Home":
        focusEntry(0);
        break;
      case "End":
        focusEntry(all.length - 1);
        break;
      case "Escape":
        close(true);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: focus leaving the switcher (to anything outside it) closes it; the controls inside are the interactive parts.
    <div
      ref={root}
      className="relative"
      onBlur={(event) => {
        if (open && !root.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
        className="flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
      >
        <span className="sr-only">Switch project (current: {current.name})</span>
        <span aria-hidden="true">Switch project</span>
        <svg aria-hidden="true" viewBox="0 0 12 12" className="h-3 w-3 fill-current">
          <path d="M2 4l4 4 4-4z" />
        </svg>
      </button>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the links inside; the links are what is interactive. */}
      <div
        id={listId}
        hidden={!open}
        onKeyDown={onListKey}
        className="absolute left-0 z-30 mt-1 max-h-96 w-72 overflow-y-auto rounded-lg border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        <nav aria-label="Projects">
          {organizations.map((organization) => (
            <div key={organization.id} className="py-1">
              <p
                id={`${listId}-${organization.id}`}
                className="px-2 py-1 text-xs font-semibold text-slate-600 uppercase tracking-wide dark:text-slate-400"
              >
                {organization.name}
              </p>
              <ul aria-labelledby={`${listId}-${organization.id}`}>
                {organization.projects.map((project) => (
                  <li key={project.id}>
                    <Link
                      data-switcher-entry
                      href={`/projects/${project.id}${section}`}
                      aria-current={project.id === current.id ? "true" : undefined}
                      onClick={() => setOpen(false)}
                      className="flex items-center justify-between gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-[current=true]:font-semibold dark:hover:bg-slate-800 dark:focus-visible:bg-slate-800"
                    >
                      {project.name}
                      {project.id === current.id && (
                        <span aria-hidden="true" className="text-indigo-700 dark:text-indigo-300">
                          ✓
                        </span>
                      )}
                    </Link>
                  </li>
                ))}
                {organization.canCreate && (
                  <li>
                    <Link
                      data-switcher-entry
                      href={`/projects/new?organization=${organization.id}`}
                      onClick={() => setOpen(false)}
                      className="block rounded-md px-2 py-1.5 text-sm text-indigo-700 hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-slate-800 dark:focus-visible:bg-slate-800"
                    >
                      + New project in {organization.name}
                    </Link>
                  </li>
                )}
              </ul>
            </div>
          ))}
        </nav>
      </div>
    </div>
  );
}
