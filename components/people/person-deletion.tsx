"use client";
// "Delete this person's data" on their page, for owners and admins: a confirmation (it cannot be
// undone), then a deletion job (POST /api/v1/privacy/deletions), followed in Settings with the rest.
// The person is who the page shows (lib/people/identity.ts): their user id and every anonymous id
// linked to it. One job covers them all: a user id's deletion takes its linked anonymous ids too
// (lib/privacy/delete-person.ts).
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api/client";
import type { PersonProfile } from "@/lib/people/schemas";
import type { DeletionJobView } from "@/lib/privacy/schemas";

type PersonId = { user_id: string } | { anonymous_id: string };

export function PersonDeletion({ projectId, identity }: { projectId: string; identity: PersonProfile["identity"] }) {
  const [confirming, setConfirming] = useState(false);
  const ids: PersonId[] = [
    ...(identity.user_id !== null ? [{ user_id: identity.user_id }] : []),
    ...identity.anonymous_ids.map((anonymous_id) => ({ anonymous_id })),
  ];
  const who = ids
    .map((id) => ("user_id" in id ? `user ${id.user_id}` : `anonymous visitor ${id.anonymous_id}`))
    .join(", ");
  const request = useMutation({
    mutationFn: () =>
      apiFetch<DeletionJobView>("/api/v1/privacy/deletions", { body: { project_id: projectId, ...ids[0] } }),
    onSuccess: () => setConfirming(false),
  });

  return (
    <section
      aria-labelledby="person-deletion-heading"
      data-testid="person-deletion"
      className="flex flex-col gap-2 rounded-lg border border-slate-300 p-4 text-sm dark:border-slate-700"
    >
      <h3 id="person-deletion-heading" className="font-semibold">
        Delete this person&apos;s data
      </h3>
      {request.isSuccess ? (
        <p role="status">
          Deletion of {who} queued.{" "}
          <Link className="underline" href={`/projects/${projectId}/settings#person-deletion`}>
            Follow it in Settings
          </Link>
          .
        </p>
      ) : confirming ? (
        <div role="alertdialog" aria-labelledby="person-deletion-confirm" className="flex flex-col gap-2">
          <p id="person-deletion-confirm">
            Delete every event of {who}, and their traces in every report? This cannot be undone.
          </p>
          <div className="flex gap-2">
            <Button variant="danger" onClick={() => request.mutate()} disabled={request.isPending}>
              Yes, delete
            </Button>
            <Button onClick={() => setConfirming(false)} disabled={request.isPending}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <div>
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Delete this person&apos;s data…
          </Button>
        </div>
      )}
      <FormError error={request.error} />
    </section>
  );
}
