-- Event counts per local day of the project's time zone and per combination of event name and
-- rolled dimension values: counts filtered on any of those dimensions and broken down by any other
-- (top pages of one country, events of one page on mobile) add up a few thousand rows a day
-- instead of scanning the events. "" stands for no value, as in event_rollups.
CREATE TABLE "event_counts_daily" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "day" DATE NOT NULL,
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
    "events" BIGINT NOT NULL,

    CONSTRAINT "event_counts_daily_pkey" PRIMARY KEY ("organization_id","project_id","timezone","day","name","path","referrer","utm_source","utm_medium","utm_campaign","browser","os","device","country")
);

-- The time zone event_counts_daily is complete in for a project; the refresh rebuilds a project's
-- counts from its events when it has none yet or its time zone changed.
CREATE TABLE "event_counts_state" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,

    CONSTRAINT "event_counts_state_pkey" PRIMARY KEY ("project_id")
);
