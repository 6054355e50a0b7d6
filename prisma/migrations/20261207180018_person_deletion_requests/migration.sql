-- AlterTable
ALTER TABLE "person_deletions" ADD COLUMN     "id_kind" TEXT,
ADD COLUMN     "person_pseudonym" TEXT;

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "suppress_deleted_persons" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "person_suppressions" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "person_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_suppressions_pkey" PRIMARY KEY ("project_id","person_hash")
);

-- CreateIndex
CREATE INDEX "person_deletions_project_id_requested_at_idx" ON "person_deletions"("project_id", "requested_at");

-- Jobs queued before: the kind of id they name (their pseudonym needs the instance secret, so stays NULL).
UPDATE "person_deletions" SET "id_kind" = CASE WHEN "user_id" IS NOT NULL THEN 'user_id' ELSE 'anonymous_id' END;
