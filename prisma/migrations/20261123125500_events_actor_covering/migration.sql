-- Funnels and retention read who did which event when, over millions of events: carrying the
-- actor columns in the (project, name, timestamp) index lets them read the index alone (an
-- index-only scan) instead of every wide event row. Same name and key columns, so Prisma's schema
-- (which cannot express INCLUDE) still describes it.
DROP INDEX "events_organization_id_project_id_name_timestamp_idx";
CREATE INDEX "events_organization_id_project_id_name_timestamp_idx" ON "events"("organization_id", "project_id", "name", "timestamp") INCLUDE ("user_id", "anonymous_id");
