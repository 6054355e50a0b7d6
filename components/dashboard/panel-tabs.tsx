"use client";
// Tabs that switch what a dashboard panel shows (Top pages / Entry pages / Exit pages): one tab stop,
// the arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern, selection follows focus).
import { type KeyboardEvent, useRef } from "react";

interface PanelTabsProps {
  /** What the tabs choose between, for screen readers ("Top pages"). */
  label: string;
  tabs: string[];
  selected: string;
  onSelect: (tab: string) => void;
}

export function PanelTabs({ label, tabs, selected, onSelect }: PanelTabsProps) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const next = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    onSelect(tabs[next]!);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="flex flex-wrap gap-1">
      {tabs.map((tab, i) => {
        const isSelected = tab === selected;
        return (
          <button
            key={tab}
            ref={(element) => {
              refs.current[i] = element;
            }}
            type="button"
            role="tab"
            aria-selected={isSelected}
            tabIndex={isSelected ? 0 : -1}
            onClick={() => onSelect(tab)}
            onKeyDown={(event) => move(event, i)}
            className={`rounded px-2 py-1 text-xs font-medium ${
              isSelected
                ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                : "text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
            }`}
          >
            {tab}
          </button>
        );
      })}
    </div>
  );
}
