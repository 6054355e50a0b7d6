-- A session spanning hours carries its whole extent and aggregates on every fragment, so a range
-- holding all of it reads one row per session (its first fragment) instead of regrouping fragments.
ALTER TABLE "session_fragments" ADD COLUMN "first_hour" TIMESTAMPTZ(3),
ADD COLUMN "last_hour" TIMESTAMPTZ(3),
ADD COLUMN "session_first_at" TIMESTAMPTZ(3),
ADD COLUMN "session_last_at" TIMESTAMPTZ(3),
ADD COLUMN "session_pageviews" INTEGER,
ADD COLUMN "session_interactions" INTEGER;

-- Existing spanning sessions get their extent (the refresh keeps it from here on).
UPDATE "session_fragments" f
SET "first_hour" = s.first_hour, "last_hour" = s.last_hour, "session_first_at" = s.first_at, "session_last_at" = s.last_at,
    "session_pageviews" = s.pageviews, "session_interactions" = s.interactions
FROM (
  SELECT "organization_id", "project_id", "session_id", min("hour") AS first_hour, max("hour") AS last_hour,
         min("first_at") AS first_at, max("last_at") AS last_at, sum("pageviews")::int AS pageviews, sum("interactions")::int AS interactions
  FROM "session_fragments" WHERE "spans" GROUP BY 1, 2, 3
) s
WHERE f."organization_id" = s."organization_id" AND f."project_id" = s."project_id" AND f."session_id" = s."session_id";

-- Both partial indexes carry what the queries read, so they are read index-only: the spanning
-- fragments of a range with their session's extent (to find the few sessions a range cuts), and
-- the first fragment of each spanning session with its aggregates (the sessions a range holds whole).
DROP INDEX "session_fragments_spanning_idx";
CREATE INDEX "session_fragments_spanning_idx" ON "session_fragments"("organization_id", "project_id", "hour") INCLUDE ("session_id", "first_hour", "last_hour") WHERE "spans";
CREATE INDEX "session_fragments_spanning_first_idx" ON "session_fragments"("organization_id", "project_id", "hour")
  INCLUDE ("session_id", "first_hour", "last_hour", "session_first_at", "session_last_at", "session_pageviews", "session_interactions") WHERE "spans" AND "hour" = "first_hour";
