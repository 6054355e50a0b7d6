-- New visitors per UTC hour of their first_seen_at: a count of actor_first_seen's rows, kept by the
-- same fold (lib/query/first-seen-refresh.ts) and a person's deletion. New vs returning over a range
-- sums a few hundred of these instead of counting every visitor first seen in it (615k index rows for
-- 30 days of the 10M-event benchmark); queries add the range's partial hours and the arrivals after
-- the watermark on top (lib/query/first-seen.ts).
CREATE TABLE "first_seen_hourly" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "visitors" BIGINT NOT NULL,

    CONSTRAINT "first_seen_hourly_pkey" PRIMARY KEY ("organization_id","project_id","hour")
);

INSERT INTO "first_seen_hourly" ("organization_id", "project_id", "hour", "visitors")
SELECT "organization_id", "project_id", date_trunc('hour', "first_seen_at", 'UTC'), count(*)
FROM "actor_first_seen"
GROUP BY 1, 2, 3;
