"use client";
// The view's segment (in the URL, so a segmented view is a shareable link) and, for those who may,
// saving what the view filters on as a new segment: the segment picked, the chips it replaces gone,
// so the numbers stay what they were and the view now reads "Segment: <name>".
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import type { Filter } from "@/lib/query/schemas";
import { type ViewState, withSegment } from "@/lib/query/view-state";
import type { SegmentView } from "@/lib/segments/schemas";
import { segmentsKey, useSegments } from "./use-segments";

interface SegmentPickerProps {
  projectId: string;
  view: ViewState;
  setView: (change: (current: ViewState) => ViewState) => void;
}

/** The view's filters with its segment's first, each once: what "save as segment" keeps. */
function viewFilters(view: ViewState, segment: SegmentView | undefined): Filter[] {
  const all = [...(segment?.filters ?? []), ...view.filters];
  const seen = new Set<string>();
  return all.filter((filter) => {
    const key = JSON.stringify(filter);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function SegmentPicker({ projectId, view, setView }: SegmentPickerProps) {
  const list = useSegments(projectId);
  const client = useQueryClient();
  const selectId = useId();
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState("");
  const segments = list.data?.segments ?? [];
  const selected = segments.find((s) => s.id === view.segment);
  const save = useMutation({
    mutationFn: (body: { name: string; filters: Filter[] }) =>
      apiFetch<SegmentView>(`/api/v1/projects/${projectId}/segments`, { body }),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: segmentsKey(projectId) });
      setSaving(false);
      setName("");
      setView((current) => ({ ...withSegment(current, created.id), filters: [] }));
    },
  });
  const canSave = !!list.data?.can_edit && view.filters.length > 0;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={selectId} className="text-sm font-medium">
        Segment
      </label>
      <Select
        id={selectId}
        value={view.segment ?? ""}
        onChange={(e) => setView((current) => withSegment(current, e.target.value || null))}
      >
        <option value="">All visitors</option>
        {segments.map((segment) => (
          <option key={segment.id} value={segment.id}>
            {segment.name}
          </option>
        ))}
        {/* A shared link may name a segment this list does not hold (deleted, another project's): the server refuses it. */}
        {view.segment && !selected && !list.isPending && <option value={view.segment}>Unknown segment</option>}
      </Select>
      {canSave && !saving && (
        <Button size="sm" onClick={() => setSaving(true)}>
          Save filters as segment
        </Button>
      )}
      {saving && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ name: name.trim(), filters: viewFilters(view, selected) });
          }}
        >
          <Field label="Segment name" error={fieldError(save.error, "name")}>
            <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
          </Field>
          <Button type="submit" variant="primary" size="sm" disabled={save.isPending || !name.trim()}>
            Save segment
          </Button>
          <Button size="sm" variant="quiet" onClick={() => setSaving(false)}>
            Cancel
          </Button>
          {!fieldError(save.error, "name") && <FormError error={save.error} />}
        </form>
      )}
    </div>
  );
}
