-- Visitors with drill-down filters from the per-value daily bitmaps: an actor who kept one country,
-- device, browser and os all day did an event matching "path = /pricing and country = US" exactly
-- when they are in both values' bitmaps that day. The few who did not ("mixed" that day: two
-- devices, a trip abroad) are kept out of those intersections and counted from their own events,
-- kept here per combination of event name and rolled dimension values.
CREATE TABLE "mixed_actor_bitmaps" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "chunk" INTEGER NOT NULL,
    "bits" VARBIT NOT NULL,

    CONSTRAINT "mixed_actor_bitmaps_pkey" PRIMARY KEY ("organization_id","project_id","timezone","day","chunk")
);

CREATE TABLE "mixed_actor_days" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "number" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "referrer" TEXT NOT NULL,
    "utm_source" TEXT NOT NULL,
    "utm_medium" TEXT NOT NULL,
    "utm_campaign" TEXT NOT NULL,
    "browser" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "country" TEXT NOT NULL,

    CONSTRAINT "mixed_actor_days_pkey" PRIMARY KEY ("organization_id","project_id","timezone","day","number","name","path","referrer","utm_source","utm_medium","utm_campaign","browser","os","device","country")
);

CREATE TABLE "mixed_actor_state" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "mixed_actor_state_pkey" PRIMARY KEY ("project_id")
);
