"use client";
import { useRouter } from "next/navigation";
// First-run form: the first owner, their organization and a first project, then signs them in.
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { TimeZoneSelect } from "@/components/ui/time-zone-select";

const input = "px-3 py-2 text-base";

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 64) || "my-team"
  );
}

export function SetupForm({ defaultTimezone, zones }: { defaultTimezone: string; zones: string[] }) {
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
    <form action={submit} aria-label="Set up Lumen" className="flex flex-col gap-4">
      <Field label="Your name">
        <Input name="name" autoComplete="name" className={input} />
      </Field>
      <Field label="Email">
        <Input name="email" type="email" required autoComplete="email" className={input} />
      </Field>
      <Field label="Password" hint="8 characters or more">
        <Input name="password" type="password" required minLength={8} autoComplete="new-password" className={input} />
      </Field>
      <Field label="Organization">
        <Input name="organization" required className={input} />
      </Field>
      <Field label="First project" hint="Your site or app">
        <Input name="project" required defaultValue="Website" className={input} />
      </Field>
      <Field label="Time zone for reports">
        <TimeZoneSelect name="timezone" zones={zones} defaultValue={defaultTimezone} className={input} />
      </Field>
      <FormError error={error} />
      <Button type="submit" variant="primary" disabled={pending} className="py-2 text-base">
        {pending ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}
