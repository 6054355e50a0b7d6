"use client";
// Email + password sign-in, plus a button per configured OAuth/OIDC provider.
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";

export function SignInForm({ providers }: { providers: { id: string; name: string }[] }) {
  const router = useRouter();
  const params = useSearchParams();
  const callbackUrl = params.get("callbackUrl") ?? "/projects";
  const [error, setError] = useState<string | null>(params.get("error") ? "Sign-in failed." : null);
  const [pending, setPending] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false, callbackUrl });
    setPending(false);
    if (result && !result.error) router.push(callbackUrl);
    else setError("Wrong email or password.");
  }

  return (
    <form action={submit} className="flex flex-col gap-4">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Email
        <input name="email" type="email" required autoComplete="email" className="rounded-md border border-slate-300 bg-transparent px-3 py-2 dark:border-slate-700" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Password
        <input name="password" type="password" required autoComplete="current-password" className="rounded-md border border-slate-300 bg-transparent px-3 py-2 dark:border-slate-700" />
      </label>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60">
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {providers.map((p) => (
        <button key={p.id} type="button" onClick={() => signIn(p.id, { callbackUrl })} className="rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700">
          Continue with {p.name}
        </button>
      ))}
    </form>
  );
}
