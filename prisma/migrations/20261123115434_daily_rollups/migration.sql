-- CreateTable
CREATE TABLE "event_rollups_daily" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "name" TEXT NOT NULL,
    "actors" BIGINT[],

    CONSTRAINT "event_rollups_daily_pkey" PRIMARY KEY ("organization_id","project_id","timezone","day","name")
);

-- CreateTable
CREATE TABLE "rollup_daily_state" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "rollup_daily_state_pkey" PRIMARY KEY ("project_id")
);
