// Segments: saved, named filter sets of a project. Their filters are the query language's own
// (filterSchema), so every field the engine filters on works in a segment, "performed" (the
// visitors who did an event in the range) included. Importable by the browser (the segment forms).
import { z } from "zod";
import { CONVERSION_FIELD, filterSchema, MAX_CONVERSION_FILTERS } from "../query/schemas";
import { storableText } from "../text";

/** Filters one segment may hold: as many as one query's own list. */
export const MAX_SEGMENT_FILTERS = 20;

export const segmentFiltersSchema = z
  .array(filterSchema)
  .min(1, "a segment needs at least one filter")
  .max(MAX_SEGMENT_FILTERS)
  .refine((filters) => filters.filter((f) => f.field === CONVERSION_FIELD).length <= MAX_CONVERSION_FILTERS, {
    message: `at most ${MAX_CONVERSION_FILTERS} "performed" filters`,
  });

const name = storableText().trim().min(1).max(100);
const description = storableText().trim().max(1000);

export const segmentCreateSchema = z
  .object({ name, description: description.optional(), filters: segmentFiltersSchema })
  .strict();

/** Every field optional (absent ones keep their value); a description of null or "" removes it. */
export const segmentUpdateSchema = z
  .object({ name, description: description.nullable(), filters: segmentFiltersSchema })
  .partial()
  .strict()
  .refine((update) => Object.keys(update).length > 0, { message: "give at least one change" });

/** A segment as the API returns it. */
export const segmentViewSchema = z.object({
  id: z.guid(),
  project_id: z.guid(),
  name: z.string(),
  description: z.string().nullable(),
  filters: z.array(filterSchema),
  created_at: z.string(),
  updated_at: z.string(),
});

export type SegmentCreate = z.infer<typeof segmentCreateSchema>;
export type SegmentUpdate = z.infer<typeof segmentUpdateSchema>;
export type SegmentView = z.infer<typeof segmentViewSchema>;
