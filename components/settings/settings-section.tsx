// One titled card of the settings page.
import type { ReactNode } from "react";

export function SettingsSection({
  id,
  title,
  description,
  children,
}: {
  /** Names the section's heading, so the section is a labelled region. */
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id={`${id}-heading`} className="font-semibold">
        {title}
      </h2>
      {description && <div className="text-sm text-slate-600 dark:text-slate-400">{description}</div>}
      {children}
    </section>
  );
}
