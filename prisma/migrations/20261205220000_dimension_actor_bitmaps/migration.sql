-- Daily actor bitmaps per value of each rolled dimension: unique users by referrer, country, device...
-- as bit counts of ORs instead of distinct counts over hourly actor lists.
CREATE TABLE "dimension_actor_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "value" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "dimension_actor_bitmaps_pkey" PRIMARY KEY ("organization_id","project_id","timezone","dimension","day","value","chunk")
);

-- Every project's daily bitmaps are rebuilt (from the hourly rollups) at the next refresh, so the new
-- table is complete wherever rollup_daily_state says the bitmaps are.
DELETE FROM "rollup_daily_state";
