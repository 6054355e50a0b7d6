"use client";
// The app's top bar: home, theme switch and sign-out.
import Link from "next/link";
import { signOut } from "next-auth/react";
import { ThemeToggle } from "./theme-toggle";

export function AppHeader({ email }: { email: string }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <Link href="/projects" className="font-semibold tracking-tight">
          Lumen
        </Link>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-slate-600 sm:inline dark:text-slate-400">{email}</span>
          <ThemeToggle />
          <button
            type="button"
            onClick={() => signOut({ callbackUrl: "/signin" })}
            className="rounded-md px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
