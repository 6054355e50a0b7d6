-- How many events each actor did per local day and event name (and per path of that name), as
-- bit slices over actor numbers in chunks of 32,768 bits: slice i holds the actors whose count has
-- bit i set. The events of a set of actors (the visitors who did signup) are then counted without
-- reading them: the sum over slices of 2^i x bit_count(slice AND set). Kept by the rollup refresh
-- (lib/query/count-slices-refresh.ts) and a person's deletion; rebuilt, like the daily bitmaps, in
-- a project's new time zone, from its events (the first refresh after this migration builds them).
CREATE TABLE "actor_count_slices" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "name" TEXT NOT NULL,
    "by_path" BOOLEAN NOT NULL,
    "path" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "slice" SMALLINT NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "actor_count_slices_pkey" PRIMARY KEY ("organization_id","project_id","timezone","by_path","day","name","path","chunk","slice")
);

-- The time zone a project's actor_count_slices are complete for, up to the rollup watermark.
CREATE TABLE "count_slice_state" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "count_slice_state_pkey" PRIMARY KEY ("project_id")
);
