-- The unique index of session_key_values was created under a name longer than PostgreSQL's 63
-- characters (truncated to "..._value_k"); Prisma names it within the limit.
ALTER INDEX "session_key_values_organization_id_project_id_dimension_value_k" RENAME TO "session_key_values_organization_id_project_id_dimension_val_key";
