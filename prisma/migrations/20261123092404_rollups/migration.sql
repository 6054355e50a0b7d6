-- CreateTable
CREATE TABLE "event_rollups" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "dimension" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "actors" BIGINT[],

    CONSTRAINT "event_rollups_pkey" PRIMARY KEY ("organization_id","project_id","dimension","bucket","name","value")
);

-- CreateTable
CREATE TABLE "rollup_state" (
    "id" INTEGER NOT NULL,
    "watermark" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "rollup_state_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "events_received_at_idx" ON "events" USING BRIN ("received_at");

-- The rollups start from the beginning of the events table.
INSERT INTO "rollup_state" ("id", "watermark") VALUES (1, '-infinity');
