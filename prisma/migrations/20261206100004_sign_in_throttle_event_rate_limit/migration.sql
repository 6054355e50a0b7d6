-- Per-key events-per-second budget for ingestion (null: LUMEN_INGEST_EVENT_RATE_LIMIT).
ALTER TABLE "api_keys" ADD COLUMN "event_rate_limit" INTEGER;

-- Failed sign-in attempts in the throttling window, by hashed account and hashed client.
CREATE TABLE "sign_in_failures" (
    "id" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "sign_in_failures_subject_failed_at_idx" ON "sign_in_failures"("subject", "failed_at");

CREATE INDEX "sign_in_failures_failed_at_idx" ON "sign_in_failures"("failed_at");
