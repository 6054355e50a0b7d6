-- Paths from a per-session step table (lib/query/session-paths.ts), kept by the session refresh:
-- session_path_events holds every step event of a session (its times and labels, "p:<path>" or
-- "e:<name>", in order of time, then label), session_paths its collapsed steps, its first and last
-- step's time and whether two steps share an instant (an order only a query's anchor decides).
-- Filled here from the events the session rollups hold (received up to their watermark), so the
-- rollups need no rebuild; the refresh folds later arrivals (lib/query/session-paths-refresh.ts).

CREATE TABLE "session_paths" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "steps" TEXT[],
    "tied" BOOLEAN NOT NULL,

    CONSTRAINT "session_paths_pkey" PRIMARY KEY ("organization_id","project_id","session_id")
);

CREATE TABLE "session_path_events" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "times" TIMESTAMPTZ(3)[],
    "labels" TEXT[],

    CONSTRAINT "session_path_events_pkey" PRIMARY KEY ("organization_id","project_id","session_id")
);

CREATE INDEX "session_paths_organization_id_project_id_first_at_idx" ON "session_paths"("organization_id", "project_id", "first_at");

-- The few sessions with two steps at one instant, read step by step by a paths query (not in
-- schema.prisma: Prisma cannot express a partial index).
CREATE INDEX "session_paths_tied_idx" ON "session_paths"("organization_id", "project_id", "first_at") WHERE "tied";

-- Steps as lib/query/path-steps.ts defines them: pageviews by path, other events by name, but for
-- the tracker's passive events and the monitoring modules' events.
INSERT INTO "session_path_events" ("organization_id", "project_id", "session_id", "last_at", "times", "labels")
SELECT "organization_id", "project_id", "session_id", max(ts),
       array_agg(ts ORDER BY ts, label COLLATE "C"), array_agg(label ORDER BY ts, label COLLATE "C")
FROM (
  SELECT e."organization_id", e."project_id", e."session_id", e."timestamp" AS ts,
         CASE WHEN e."name" = 'pageview' THEN 'p:' || COALESCE(e."path", '')
              WHEN e."name" <> ALL('{session_start,page_leave,scroll,web_vitals,js_error}'::text[]) THEN 'e:' || e."name" END AS label
  FROM "events" e
  WHERE e."session_id" IS NOT NULL
    AND e."received_at" <= (SELECT "watermark" FROM "session_state" WHERE "id" = 1)
) s
WHERE label IS NOT NULL
GROUP BY 1, 2, 3;

INSERT INTO "session_paths" ("organization_id", "project_id", "session_id", "first_at", "last_at", "steps", "tied")
SELECT x."organization_id", x."project_id", x."session_id", x."times"[1], x."last_at", c.steps, c.tied
FROM "session_path_events" x
CROSS JOIN LATERAL (
  SELECT array_agg(label ORDER BY n) FILTER (WHERE fresh) AS steps, bool_or(tie) AS tied
  FROM (
    SELECT n, label, label IS DISTINCT FROM lag(label) OVER w AS fresh,
           COALESCE(ts = lag(ts) OVER w AND label <> lag(label) OVER w, false) AS tie
    FROM unnest(x."times", x."labels") WITH ORDINALITY AS u(ts, label, n)
    WINDOW w AS (ORDER BY n)
  ) q
) c;
