-- Paths from counts (lib/query/session-paths.ts, ARCHITECTURE.md "Paths"): per UTC day of a
-- session's first step, each step value as an anchor, the positions a paths query keeps, counted.
--
-- First, which steps of a session share an instant with a different step (tied_labels): a tied
-- session is read step by step only when the anchor is one of them, since the stored order (time,
-- then label) is the raw order at every instant but the anchor's. On the 10M-event benchmark every
-- tie was cta_click with purchase, so paths from a page or to signup read no session step by step.
ALTER TABLE "session_paths" ADD COLUMN "tied_labels" TEXT[];

-- The tied sessions (the partial index finds them) from their stored step events.
UPDATE "session_paths" p
SET "tied_labels" = (
  SELECT array_agg(DISTINCT label ORDER BY label)
  FROM (
    SELECT unnest(array_agg(u.label)) AS label
    FROM "session_path_events" x
    CROSS JOIN LATERAL unnest(x."times", x."labels") AS u(ts, label)
    WHERE x."organization_id" = p."organization_id" AND x."project_id" = p."project_id" AND x."session_id" = p."session_id"
    GROUP BY u.ts
    HAVING count(DISTINCT u.label) > 1
  ) t
)
WHERE p."tied";

-- The counts: for each step value of a session, from its first occurrence, the positions after it
-- (mode 's': label, the next step or '' as link, whether one follows) and before it (mode 'e':
-- label, the step towards the anchor or '' at the anchor, whether one precedes), at most 10 (the
-- most steps a paths query shows); a value tied with another step at one instant is no anchor here.
CREATE TABLE "session_path_counts" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "anchor" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "pos" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "link" TEXT NOT NULL,
    "goes_on" BOOLEAN NOT NULL,
    "sessions" BIGINT NOT NULL,

    CONSTRAINT "session_path_counts_pkey" PRIMARY KEY ("organization_id","project_id","anchor","mode","day","pos","label","link","goes_on")
);

-- A day of a project's sessions per statement: one aggregate over every session's positions (about
-- 100M at 10M events) spilled past the free disk; a day's fits in memory.
DO $$
DECLARE
  d RECORD;
BEGIN
  FOR d IN
    SELECT DISTINCT "organization_id" AS org, "project_id" AS project, ("first_at" AT TIME ZONE 'UTC')::date AS day
    FROM "session_paths"
  LOOP
    INSERT INTO "session_path_counts" ("organization_id", "project_id", "anchor", "mode", "day", "pos", "label", "link", "goes_on", "sessions")
    SELECT r."organization_id", r."project_id", v.label, t.mode, d.day, t.pos, t.label, t.link, t.goes_on, count(*)
    FROM "session_paths" r
    CROSS JOIN LATERAL (
      SELECT u.label, min(u.i)::int AS a FROM unnest(r."steps") WITH ORDINALITY AS u(label, i) GROUP BY u.label
    ) v
    CROSS JOIN LATERAL (
      SELECT 's' AS mode, i AS pos, r."steps"[v.a + i] AS label, COALESCE(r."steps"[v.a + i + 1], '') AS link,
             cardinality(r."steps") > v.a + i AS goes_on
      FROM generate_series(0, least(10, cardinality(r."steps") - v.a)) AS i
      UNION ALL
      SELECT 'e', -i, r."steps"[v.a - i], CASE WHEN i > 0 THEN r."steps"[v.a - i + 1] ELSE '' END, v.a - i > 1
      FROM generate_series(0, least(10, v.a - 1)) AS i
    ) t
    WHERE r."organization_id" = d.org AND r."project_id" = d.project
      AND r."first_at" >= d.day::timestamp AT TIME ZONE 'UTC' AND r."first_at" < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
      AND NOT (r."tied" AND (r."tied_labels" IS NULL OR v.label = ANY(r."tied_labels")))
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  END LOOP;
END $$;
