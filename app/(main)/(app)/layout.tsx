// Everything behind sign-in: unauthenticated visitors go to /signin.
import { redirect } from "next/navigation";
import { AppHeader } from "@/components/shell/app-header";
import { SkipLink } from "@/components/shell/skip-link";
import { getSessionUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  return (
    <div className="min-h-screen bg-slate-50 dark:bg-slate-950">
      <SkipLink />
      <AppHeader email={user.email} />
      <main id="main-content" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none sm:px-6">
        {children}
      </main>
    </div>
  );
}
