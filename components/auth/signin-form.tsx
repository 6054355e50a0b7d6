"use client";
import { useRouter, useSearchParams } from "next/navigation";
// Email + password sign-in, plus a button per configured OAuth/OIDC provider. The password form posts
// to next-auth's credentials callback itself (rather than through signIn()) to read the status and
// Retry-After of a throttled attempt and say how long to wait.
import { getCsrfToken, signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { safeCallbackPath } from "@/lib/auth/callback-url";

function waitText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "a few minutes";
  if (seconds < 60) return `${Math.ceil(seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

async function failureMessage(response: Response): Promise<string> {
  if (response.status === 429)
    return `Too many failed sign-in attempts. Try again in ${waitText(Number(response.headers.get("retry-after")))}.`;
  if (response.status === 401) return "Wrong email or password.";
  const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  return typeof body?.error?.message === "string" ? body.error.message : "Sign-in failed. Try again in a moment.";
}

export function SignInForm({ providers }: { providers: { id: string; name: string }[] }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(params.get("error") ? "Sign-in failed." : null);
  const [pending, setPending] = useState(false);
  const callbackPath = () => safeCallbackPath(params.get("callbackUrl"), window.location.origin);

  async function submit(form: FormData) {
    setPending(true);
    setError(null);
    const callbackUrl = callbackPath();
    try {
      const response = await fetch("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          csrfToken: (await getCsrfToken()) ?? "",
          email: String(form.get("email")),
          password: String(form.get("password")),
          callbackUrl,
          json: "true",
        }),
      });
      if (response.ok) {
        // A stale CSRF cookie also answers 200, with next-auth's sign-in page as the destination.
        const { url } = (await response.json().catch(() => ({}))) as { url?: unknown };
        if (typeof url === "string" && !/[?&](error|csrf)=/.test(url)) {
          router.push(callbackUrl);
          return;
        }
        setError("Sign-in failed. Reload the page and try again.");
      } else {
        setError(await failureMessage(response));
      }
    } catch {
      setError("Lumen could not be reached. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <form action={submit} aria-label="Sign in" className="flex flex-col gap-4">
      <Field label="Email">
        <Input name="email" type="email" required autoComplete="email" className="px-3 py-2 text-base" />
      </Field>
      <Field label="Password">
        <Input
          name="password"
          type="password"
          required
          autoComplete="current-password"
          className="px-3 py-2 text-base"
        />
      </Field>
      <FormError error={error} />
      <Button type="submit" variant="primary" disabled={pending} className="py-2 text-base">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      {providers.map((p) => (
        <Button key={p.id} onClick={() => signIn(p.id, { callbackUrl: callbackPath() })} className="py-2 text-base">
          Continue with {p.name}
        </Button>
      ))}
    </form>
  );
}
