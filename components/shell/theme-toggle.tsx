"use client";
// Light/dark switch; the choice is kept in localStorage and applied as the `dark` class on <html>.
import { useEffect, useState } from "react";

export function ThemeToggle() {
  const [dark, setDark] = useState(false);
  useEffect(() => setDark(document.documentElement.classList.contains("dark")), []);
  function toggle() {
    const next = !dark;
    setDark(next);
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("lumen-theme", next ? "dark" : "light");
  }
  return (
    <button
      type="button"
      onClick={toggle}
      aria-pressed={dark}
      className="rounded-md px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      {dark ? "Light theme" : "Dark theme"}
    </button>
  );
}
