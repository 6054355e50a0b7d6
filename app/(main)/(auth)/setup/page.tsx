import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { isSetupNeeded } from "@/lib/workspace/setup";

export const metadata: Metadata = { title: "Set up Lumen" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (!(await isSetupNeeded())) redirect("/signin");
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-6 px-6 py-12">
      <div>
        <h1 className="text-2xl font-semibold">Welcome to Lumen</h1>
        <p className="mt-1 text-slate-600 dark:text-slate-300">Create the first owner account and your organization.</p>
      </div>
      <SetupForm defaultTimezone="UTC" zones={Intl.supportedValuesOf("timeZone")} />
    </main>
  );
}
