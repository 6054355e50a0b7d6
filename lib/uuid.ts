// Ids are PostgreSQL uuids: anything else (a word, 36 dashes) is checked here before it reaches a
// query, where the database would refuse it with an error rather than find nothing.
import { z } from "zod";

export const uuidSchema = z.guid();

export function isUuid(value: unknown): value is string {
  return uuidSchema.safeParse(value).success;
}
