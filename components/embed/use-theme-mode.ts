"use client";
// The embed's theme after first paint: the server decided the first one (no flash); the host may
// switch it with set-theme, and "auto" follows the viewer's system setting as it changes.
import { useEffect, useState } from "react";
import type { ThemeMode } from "@/lib/embed/host-messages";

const DARK_QUERY = "(prefers-color-scheme: dark)";

export function useThemeMode(initial: ThemeMode) {
  const [mode, setMode] = useState(initial);
  useEffect(() => {
    const root = document.getElementById("lumen-embed");
    if (!root) return;
    const media = matchMedia(DARK_QUERY);
    const apply = () => root.classList.toggle("dark", mode === "dark" || (mode === "auto" && media.matches));
    root.dataset.theme = mode;
    root.style.colorScheme = mode === "auto" ? "light dark" : mode;
    apply();
    if (mode !== "auto") return;
    media.addEventListener("change", apply);
    return () => media.removeEventListener("change", apply);
  }, [mode]);
  return setMode;
}
