-- Entry and exit pages, and pages per session, from the session rollups. Each fragment keeps its
-- first and last pageview (milliseconds into its hour, and path; NULL without a pageview), and
-- session_counts counts, beside the selected parts (part 0), every whole session once by its entry
-- page (part 1) and once by its exit page (part 2), key_id being that path's session_key_values id
-- (0: no pageview), with the pageviews summed. Counts are read by part and profile first.
-- Everything is rebuilt from the events at the next refresh.
TRUNCATE "session_fragments", "session_counts", "session_spans";

ALTER TABLE "session_fragments" ADD COLUMN "entry_ms" INTEGER,
ADD COLUMN "entry_path" TEXT,
ADD COLUMN "exit_ms" INTEGER,
ADD COLUMN "exit_path" TEXT;

ALTER TABLE "session_counts" DROP CONSTRAINT "session_counts_pkey",
ADD COLUMN "part" SMALLINT NOT NULL,
ADD COLUMN "pageviews" BIGINT NOT NULL,
ADD CONSTRAINT "session_counts_pkey" PRIMARY KEY ("organization_id", "project_id", "part", "profile_dimension", "profile_value", "key_id", "first_hour", "last_hour");

UPDATE "session_state" SET "watermark" = '-infinity';
