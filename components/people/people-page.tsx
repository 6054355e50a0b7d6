"use client";
// People: look a person up by user id or anonymous id (exact match), then read who they are (first
// and last seen, device, source), their sessions and their events, newest first, page by page. The
// id looked up lives in the URL, so a person's page can be shared and reloaded.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { type Lookup, PersonView } from "./person-view";

export function PeoplePage({
  projectId,
  lookup,
  canDelete,
}: {
  projectId: string;
  lookup: Lookup | null;
  canDelete: boolean;
}) {
  const router = useRouter();
  const [kind, setKind] = useState<Lookup["kind"]>(lookup?.kind ?? "user_id");
  const [id, setId] = useState(lookup?.id ?? "");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!id) return;
    router.push(`/projects/${projectId}/people?${kind}=${encodeURIComponent(id)}`);
  }

  return (
    <div className="flex flex-col gap-4">
      <h2 className="text-lg font-semibold">People</h2>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="Find a person">
        <Field label="Look up by">
          <Select value={kind} onChange={(e) => setKind(e.target.value as Lookup["kind"])}>
            <option value="user_id">User id</option>
            <option value="anonymous_id">Anonymous id</option>
          </Select>
        </Field>
        <Field label="Id" hint="Exact match" className="min-w-64 flex-1">
          <Input value={id} onChange={(e) => setId(e.target.value)} maxLength={200} required />
        </Field>
        <Button type="submit" variant="primary">
          Look up
        </Button>
      </form>
      {lookup?.id && (
        <PersonView key={`${lookup.kind}:${lookup.id}`} projectId={projectId} lookup={lookup} canDelete={canDelete} />
      )}
    </div>
  );
}
