"use client";
import { useRouter } from "next/navigation";
// First-run form: the first owner, their organization and a first project, then signs them in.
import { signIn } from "next-auth/react";
import { useState } from "react";

const input = "rounded-md border border-slate-300 bg-transparent px-3 py-2 dark:border-slate-700";

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 64) || "my-team"
  );
}

export function SetupForm({ defaultTimezone }: { defaultTimezone: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    setError(null);
    const organizationName = String(form.get("organization"));
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    const response = await fetch("/api/v1/setup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        organization: { name: organizationName, slug: slugify(organizationName) },
        user: { email, password, name: String(form.get("name")) || undefined },
        project: { name: String(form.get("project")), timezone: String(form.get("timezone")) },
      }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? "Setup failed.");
      setPending(false);
      return;
    }
    await signIn("credentials", { email, password, redirect: false });
    router.push("/projects");
  }

  return (
    <form action={submit} className="flex flex-col gap-4">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Your name
        <input name="name" autoComplete="name" className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Email
        <input name="email" type="email" required autoComplete="email" className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Password (8 characters or more)
        <input name="password" type="password" required minLength={8} autoComplete="new-password" className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Organization
        <input name="organization" required className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        First project (your site or app)
        <input name="project" required defaultValue="Website" className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Time zone for reports
        <input name="timezone" required defaultValue={defaultTimezone} className={input} />
      </label>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? "Creating…" : "Create workspace"}
      </button>
    </form>
  );
}
