"use client";
// A text field that offers the project's own values as it is typed (event names, property keys,
// values): the ARIA combobox pattern with a list popup. Arrow keys move through the suggestions,
// Enter takes one, Escape closes the list, and anything may still be typed by hand. Its problem,
// if any, is shown beneath it and tied to it (aria-invalid, aria-describedby).
import { useEffect, useId, useState } from "react";
import { formatNumber } from "@/components/widgets/format";
import { useLocale } from "@/components/widgets/use-locale";
import { type Suggestion, type SuggestionSource, useSuggestions } from "./use-suggestions";

export const fieldClass = "flex min-w-0 flex-col gap-1 text-sm font-medium";
export const controlClass =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 font-normal focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 aria-[invalid=true]:border-red-600 dark:border-slate-700 dark:bg-slate-900 dark:aria-[invalid=true]:border-red-400";

const SHOWN = 20;

interface SuggestInputProps {
  projectId: string;
  /** Where suggestions come from; null: a plain text field. */
  source: SuggestionSource | null;
  label: string;
  /** The label is read by screen readers only (the field sits in a row that says what it is). */
  labelHidden?: boolean;
  value: string;
  /** The text suggestions are matched against, when not the whole value (the last item of a list). */
  matchText?: string;
  onChange: (value: string, chosen?: Suggestion) => void;
  placeholder?: string;
  /** Why the value cannot be saved, shown beneath the field. */
  error?: string;
  /** Offer only some suggestions (e.g. numeric properties for a sum). */
  accept?: (suggestion: Suggestion) => boolean;
  /** How an option reads ("France" for FR); the value chosen is the stored one. */
  describe?: (suggestion: Suggestion) => string;
  disabled?: boolean;
  id?: string;
  className?: string;
}

export function SuggestInput({
  projectId,
  source,
  label,
  labelHidden = false,
  value,
  matchText,
  onChange,
  placeholder,
  error,
  accept,
  describe = (s) => s.value,
  disabled = false,
  id: givenId,
  className = "",
}: SuggestInputProps) {
  const ownId = useId();
  const id = givenId ?? ownId;
  const listId = `${id}-suggestions`;
  const errorId = `${id}-error`;
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [touched, setTouched] = useState(false);
  const { suggestions } = useSuggestions(projectId, source, matchText ?? value, touched && !disabled);
  const options = (accept ? suggestions.filter(accept) : suggestions).slice(0, SHOWN);
  const expanded = open && options.length > 0;
  const activeOption = expanded && active >= 0 && active < options.length ? active : -1;

  useEffect(() => {
    if (activeOption >= 0) document.getElementById(`${listId}-${activeOption}`)?.scrollIntoView({ block: "nearest" });
  }, [activeOption, listId]);

  const show = () => {
    setTouched(true);
    setOpen(true);
  };
  const choose = (suggestion: Suggestion) => {
    onChange(suggestion.value, suggestion);
    setOpen(false);
    setActive(-1);
  };
  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        if (!expanded) {
          show();
          setActive(event.key === "ArrowDown" ? 0 : options.length - 1);
          return;
        }
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((activeOption + step + options.length) % options.length);
        return;
      }
      case "Enter":
        if (activeOption >= 0) {
          // Takes the suggestion rather than submitting the form.
          event.preventDefault();
          choose(options[activeOption]!);
        }
        return;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setActive(-1);
        }
        return;
      case "Tab":
        setOpen(false);
        return;
    }
  };

  return (
    <div className={`${fieldClass} ${className}`}>
      <label htmlFor={id} className={labelHidden ? "sr-only" : undefined}>
        {label}
      </label>
      <div className="relative">
        <input
          id={id}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={expanded ? listId : undefined}
          aria-activedescendant={activeOption >= 0 ? `${listId}-${activeOption}` : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          autoComplete="off"
          spellCheck={false}
          className={controlClass}
          value={value}
          placeholder={placeholder}
          disabled={disabled}
          onChange={(e) => {
            onChange(e.target.value);
            setActive(-1);
            show();
          }}
          onClick={show}
          // Asked for when the field is entered, so they are there by the first key.
          onFocus={() => setTouched(true)}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
        />
        {/* In the page only while shown: a closed list is no second element answering to the field's label. */}
        {expanded && (
          <div
            id={listId}
            role="listbox"
            aria-label={`${label}: suggestions`}
            className="absolute z-30 mt-1 max-h-60 w-full min-w-48 overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm font-normal shadow-lg dark:border-slate-700 dark:bg-slate-900"
          >
            {options.map((s, i) => (
              // biome-ignore lint/a11y/useFocusableInteractive: options of a combobox stay in the field's focus (aria-activedescendant), as the ARIA pattern asks.
              // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard moves through options from the field (arrow keys, Enter).
              <div
                key={s.value}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === activeOption}
                // Keeps focus in the field, so the list stays open until the click lands.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(s)}
                className={`flex cursor-pointer items-baseline justify-between gap-3 px-2 py-1 ${i === activeOption ? "bg-indigo-100 dark:bg-indigo-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
              >
                <span className="min-w-0 truncate">{describe(s)}</span>
                <span className="shrink-0 text-xs tabular-nums text-slate-600 dark:text-slate-300">
                  {formatNumber(s.count, locale)}
                </span>
              </div>
            ))}
          </div>
        )}
      </div>
      {error && (
        <p id={errorId} className="text-xs font-normal text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
