-- Embed secret rotation with a grace period, and the maximum lifetime of customer-signed tokens.
-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "embed_secret_previous" TEXT,
ADD COLUMN     "embed_secret_previous_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "embed_secret_rotated_at" TIMESTAMPTZ(3),
ADD COLUMN     "embed_token_max_lifetime_seconds" INTEGER NOT NULL DEFAULT 86400;

-- Customer-signed tokens revoked one by one (by jti).
-- CreateTable
CREATE TABLE "embed_token_revocations" (
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "jti" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "embed_token_revocations_pkey" PRIMARY KEY ("organization_id","project_id","jti")
);

-- AddForeignKey
ALTER TABLE "embed_token_revocations" ADD CONSTRAINT "embed_token_revocations_organization_id_project_id_fkey" FOREIGN KEY ("organization_id", "project_id") REFERENCES "projects"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
