import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/signin-form";
import { getAuthOptions } from "@/lib/auth/options";
import { isSetupNeeded } from "@/lib/workspace/setup";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await isSetupNeeded()) redirect("/setup");
  const providers = getAuthOptions()
    .providers.filter((p) => p.id !== "credentials")
    .map((p) => ({ id: p.id, name: p.name }));
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 px-6">
      <h1 className="text-2xl font-semibold">Sign in to Lumen</h1>
      <Suspense>
        <SignInForm providers={providers} />
      </Suspense>
    </main>
  );
}
