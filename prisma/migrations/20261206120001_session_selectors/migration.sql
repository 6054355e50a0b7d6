-- Session measures under drill-down filters. The raw definition measures the events in scope grouped
-- by session: filtered on a page, a session is its events on that page. So the session rollups now
-- keep, per session and hour, the events of each value of the device, country, browser and os
-- (a fragment per combination: one for nearly every session) and, inside each fragment, the
-- aggregates of each value of path, referrer and utm_source. Counts are kept per selector (a value
-- of one of those three, and/or a value of one of the four, or nothing) and per (first hour, last
-- hour) of the selected events, so a range holding them whole adds rows instead of reading sessions.
-- Everything is rebuilt from the events at the next refresh.
-- Prisma cannot express the partial indexes: the schema leaves them out (see schema.prisma).
DROP TABLE "session_hourly";
DROP TABLE "session_fragments";

CREATE TABLE "session_fragments" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "country" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "browser" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "pageviews" INTEGER NOT NULL,
    "interactions" INTEGER NOT NULL,
    "keys" INTEGER[] NOT NULL,
    "spans" BOOLEAN NOT NULL DEFAULT false,
    "first_hour" TIMESTAMPTZ(3),
    "last_hour" TIMESTAMPTZ(3),
    "mixed" SMALLINT NOT NULL DEFAULT 0,

    CONSTRAINT "session_fragments_pkey" PRIMARY KEY ("organization_id","project_id","session_id","hour","country","device","browser","os")
);

-- The sessions a range starts or ends inside of, found from each spanning session's first fragments.
CREATE INDEX "session_fragments_spanning_idx" ON "session_fragments"("organization_id", "project_id", "first_hour")
  INCLUDE ("session_id", "last_hour") WHERE "spans" AND "hour" = "first_hour";
-- The few sessions with more than one value of a device, country, browser or os dimension.
CREATE INDEX "session_fragments_mixed_idx" ON "session_fragments"("organization_id", "project_id", "hour")
  INCLUDE ("session_id", "mixed") WHERE "mixed" <> 0;

CREATE TABLE "session_key_values" (
    "id" SERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "session_key_values_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "session_key_values_organization_id_project_id_dimension_value_key" ON "session_key_values"("organization_id", "project_id", "dimension", "value");

CREATE TABLE "session_counts" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "key_id" INTEGER NOT NULL,
    "profile_dimension" TEXT NOT NULL,
    "profile_value" TEXT NOT NULL,
    "first_hour" TIMESTAMPTZ(3) NOT NULL,
    "last_hour" TIMESTAMPTZ(3) NOT NULL,
    "sessions" BIGINT NOT NULL,
    "pageview_sessions" BIGINT NOT NULL,
    "bounces" BIGINT NOT NULL,
    "duration_us" BIGINT NOT NULL,

    CONSTRAINT "session_counts_pkey" PRIMARY KEY ("organization_id","project_id","key_id","profile_dimension","profile_value","first_hour","last_hour")
);

CREATE TABLE "session_spans" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "longest_hours" INTEGER NOT NULL,

    CONSTRAINT "session_spans_pkey" PRIMARY KEY ("project_id")
);

UPDATE "session_state" SET "watermark" = '-infinity';
