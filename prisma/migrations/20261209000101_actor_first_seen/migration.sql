-- New vs returning visitors and first-touch attributes: when each actor of a project (the events'
-- actor hash, as in project_actors) was first seen, and the referrer, utm_source and path of that
-- first event (the earliest by timestamp, then event id). Kept by the rollup refresh
-- (lib/query/first-seen-refresh.ts) up to first_seen_state's watermark; queries merge the arrivals
-- after it (lib/query/first-seen.ts).
CREATE TABLE "actor_first_seen" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "actor" BIGINT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "first_event_id" UUID NOT NULL,
    "first_referrer" TEXT,
    "first_utm_source" TEXT,
    "first_path" TEXT,

    CONSTRAINT "actor_first_seen_pkey" PRIMARY KEY ("organization_id","project_id","actor")
);

-- New visitors over a range are a range of this index, read without the table.
CREATE INDEX "actor_first_seen_first_seen_at_idx" ON "actor_first_seen"("organization_id", "project_id", "first_seen_at", "actor", "first_event_id");

-- How far actor_first_seen has read the events table, by received_at. '-infinity' on an existing
-- installation: the refresh's next step folds the whole history in first (the backfill).
CREATE TABLE "first_seen_state" (
    "id" INTEGER NOT NULL,
    "watermark" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "first_seen_state_pkey" PRIMARY KEY ("id")
);

INSERT INTO "first_seen_state" ("id", "watermark") VALUES (1, '-infinity');
