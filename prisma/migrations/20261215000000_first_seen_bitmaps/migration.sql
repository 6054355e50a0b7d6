-- Who was first seen per UTC hour, as bitmaps over actor numbers (project_actors) in chunks of
-- 32,768 bits: the same actors first_seen_hourly counts, but a set that ANDs with the filtered
-- visitors' bitmaps, so new vs returning under a drill-down is a bit count (lib/query/first-seen-bitmaps.ts).
-- Kept by the first-seen fold and a person's deletion (lib/query/first-seen-bitmaps-refresh.ts);
-- filled by the refresh for every project whose state is missing (its first step after this migration).
CREATE TABLE "first_seen_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "first_seen_bitmaps_pkey" PRIMARY KEY ("organization_id","project_id","hour","chunk")
);

-- The time zone of the daily bitmaps (rollup_daily_state) whose actor numbering the first-seen
-- bitmaps are complete for: a rebuild of those (a new time zone) may number actors, so it rebuilds these.
CREATE TABLE "first_seen_bitmap_state" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "first_seen_bitmap_state_pkey" PRIMARY KEY ("project_id")
);
