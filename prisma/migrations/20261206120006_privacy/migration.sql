-- Privacy and the data lifecycle (issue 18): per-project scrubbing, consent purge and retention
-- settings; the consent audit trail; person deletion jobs; arrival-time index on the ledger.

-- CreateEnum
CREATE TYPE "ConsentState" AS ENUM ('granted', 'denied', 'pending');

-- CreateEnum
CREATE TYPE "PersonDeletionStatus" AS ENUM ('pending', 'running', 'done', 'failed');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "aggregate_retention_months" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "dropped_property_keys" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "purge_on_consent_withdrawal" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "raw_retention_months" INTEGER NOT NULL DEFAULT 25,
ADD COLUMN     "scrubbing_disabled" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "consent_records" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "user_id" TEXT,
    "anonymous_id" TEXT,
    "state" "ConsentState" NOT NULL,
    "source" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_records_pkey" PRIMARY KEY ("organization_id","project_id","event_id")
);

-- CreateTable
CREATE TABLE "person_deletions" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "user_id" TEXT,
    "anonymous_id" TEXT,
    "reason" TEXT NOT NULL,
    "status" "PersonDeletionStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "events_deleted" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "person_deletions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "consent_records_organization_id_project_id_user_id_idx" ON "consent_records"("organization_id", "project_id", "user_id");

-- CreateIndex
CREATE INDEX "consent_records_organization_id_project_id_anonymous_id_idx" ON "consent_records"("organization_id", "project_id", "anonymous_id");

-- CreateIndex
CREATE INDEX "person_deletions_status_requested_at_idx" ON "person_deletions"("status", "requested_at");

-- CreateIndex
CREATE INDEX "person_deletions_organization_id_project_id_idx" ON "person_deletions"("organization_id", "project_id");

-- Retention deletes ledger entries by arrival time; summarized as pages fill, like events' (migration brin_autosummarize).
CREATE INDEX "event_keys_received_at_idx" ON "event_keys" USING BRIN ("received_at") WITH (autosummarize = on);

-- The consent trail is append-only: rows are never changed, and deleted only by the erasure of
-- their person, which says so for its own transaction (SET LOCAL lumen.erasing_person = 'on',
-- lib/privacy/consent.ts). TRUNCATE is refused outright.
CREATE FUNCTION lumen_consent_records_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('lumen.erasing_person', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'consent_records is append-only: % refused', TG_OP USING ERRCODE = 'LUAPP';
END
$$;

CREATE TRIGGER "consent_records_append_only" BEFORE UPDATE OR DELETE ON "consent_records"
  FOR EACH ROW EXECUTE FUNCTION lumen_consent_records_append_only();

CREATE TRIGGER "consent_records_no_truncate" BEFORE TRUNCATE ON "consent_records"
  FOR EACH STATEMENT EXECUTE FUNCTION lumen_consent_records_append_only();
