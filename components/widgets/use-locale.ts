"use client";
// The viewer's locale for Intl formatting. The server render cannot know it, so it uses a fixed
// locale and React swaps in navigator.language right after hydration (no hydration mismatch).
import { useSyncExternalStore } from "react";

const SERVER_LOCALE = "en-US";
const subscribe = (onChange: () => void) => {
  window.addEventListener("languagechange", onChange);
  return () => window.removeEventListener("languagechange", onChange);
};

export function useLocale(explicit?: string): string {
  const detected = useSyncExternalStore(
    subscribe,
    () => navigator.language,
    () => SERVER_LOCALE,
  );
  return explicit ?? detected;
}
