"use client";
// A form field naming one of the project's saved segments, or none: an embed's locked segment, an
// alert rule's, a widget's own.
import { Field, Select } from "@/components/ui/field";
import { useSegments } from "./use-segments";

export function SegmentSelect({
  projectId,
  label,
  hint,
  error,
  value,
  onChange,
}: {
  projectId: string;
  label: string;
  hint?: string;
  error?: string;
  value: string | undefined;
  onChange: (segment: string | undefined) => void;
}) {
  const list = useSegments(projectId);
  const segments = list.data?.segments ?? [];
  return (
    <Field label={label} hint={hint} error={error}>
      <Select value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">None (all visitors)</option>
        {segments.map((segment) => (
          <option key={segment.id} value={segment.id}>
            {segment.name}
          </option>
        ))}
        {value && !list.isPending && !segments.some((s) => s.id === value) && (
          <option value={value}>Unknown segment</option>
        )}
      </Select>
    </Field>
  );
}
