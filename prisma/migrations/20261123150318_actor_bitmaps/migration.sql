-- Daily actor sets become daily actor bitmaps over dense per-project actor numbers: unions of
-- hundreds of thousands of actors (unique users over 30 days, retention cohorts) are then bit
-- operations over a few kilobytes per day instead of sorting millions of 64-bit hashes.
DROP TABLE "event_rollups_daily";

-- CreateTable
CREATE TABLE "project_actors" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "actor" BIGINT NOT NULL,
    "number" INTEGER NOT NULL,

    CONSTRAINT "project_actors_pkey" PRIMARY KEY ("organization_id","project_id","actor")
);

-- CreateTable
CREATE TABLE "event_actor_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "name" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "event_actor_bitmaps_pkey" PRIMARY KEY ("organization_id","project_id","timezone","day","name","chunk")
);

-- CreateIndex
CREATE UNIQUE INDEX "project_actors_organization_id_project_id_number_key" ON "project_actors"("organization_id", "project_id", "number");

-- Every project's bitmaps are built at the next refresh, as after a time zone change.
DELETE FROM "rollup_daily_state";
