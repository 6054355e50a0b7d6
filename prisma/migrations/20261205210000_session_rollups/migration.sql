-- Session rollups: sessions keyed by the client's session id, folded in as events arrive.
-- Prisma cannot express the two partial indexes: the schema leaves them out (see schema.prisma).
CREATE TABLE "session_fragments" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "pageviews" INTEGER NOT NULL,
    "interactions" INTEGER NOT NULL,
    "spans" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "session_fragments_pkey" PRIMARY KEY ("organization_id","project_id","session_id","hour")
);

-- Only sessions spanning hours are read by range; the others are in session_hourly.
CREATE INDEX "session_fragments_spanning_idx" ON "session_fragments"("organization_id", "project_id", "hour") WHERE "spans";

CREATE TABLE "session_hourly" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "sessions" BIGINT NOT NULL,
    "pageview_sessions" BIGINT NOT NULL,
    "bounces" BIGINT NOT NULL,
    "duration_us" BIGINT NOT NULL,

    CONSTRAINT "session_hourly_pkey" PRIMARY KEY ("organization_id","project_id","hour")
);

CREATE TABLE "session_state" (
    "id" INTEGER NOT NULL,
    "watermark" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "session_state_pkey" PRIMARY KEY ("id")
);

INSERT INTO "session_state" ("id", "watermark") VALUES (1, '-infinity');

-- Events without a session id are sessionised by gap at query time: this finds them without
-- reading the others (a browser tracker always sends one).
CREATE INDEX "events_idless_timestamp_idx" ON "events"("organization_id", "project_id", "timestamp") WHERE "session_id" IS NULL;
