-- Visitors filtered on one of two dimensions that vary within a visit and broken down by the other
-- (referrers of one page, campaigns of one referrer): per local day, the actors who did an event
-- with both values. The second dimension of a pair is set on few events (the landing page carries
-- referrer and campaign), so only its values get bitmaps; its "no value" is the first value's
-- bitmap without pair_complete_bitmaps: the actors all of whose events with the first value that
-- day carried a second one. Built with the daily bitmaps by lib/query/pair-bitmaps-refresh.ts.
CREATE TABLE "pair_actor_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "pair" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "a_value" TEXT NOT NULL,
    "b_value" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "pair_actor_bitmaps_pkey" PRIMARY KEY ("organization_id","project_id","timezone","pair","day","a_value","b_value","chunk")
);

CREATE TABLE "pair_complete_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "pair" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "a_value" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "pair_complete_bitmaps_pkey" PRIMARY KEY ("organization_id","project_id","timezone","pair","day","a_value","chunk")
);

CREATE TABLE "pair_state" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "pair_state_pkey" PRIMARY KEY ("project_id")
);
