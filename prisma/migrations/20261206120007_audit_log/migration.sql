-- The audit log (lib/audit): an append-only record of who did what in an organization, written in
-- the same transaction as the action it records.
-- CreateEnum
CREATE TYPE "AuditActorKind" AS ENUM ('user', 'api_key', 'operator');

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" "AuditActorKind" NOT NULL,
    "actor_user_id" UUID,
    "actor_email" TEXT,
    "actor_key_id" UUID,
    "actor_key_prefix" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id"),
    -- Every entry names who acted: a person, a key, or the operator (and only one of them).
    CONSTRAINT "audit_log_actor_check" CHECK (
        ("actor_kind" = 'user' AND "actor_user_id" IS NOT NULL AND "actor_key_id" IS NULL)
        OR ("actor_kind" = 'api_key' AND "actor_key_id" IS NOT NULL AND "actor_user_id" IS NULL)
        OR ("actor_kind" = 'operator' AND "actor_user_id" IS NULL AND "actor_key_id" IS NULL)
    ),
    CONSTRAINT "audit_log_details_check" CHECK (jsonb_typeof("details") = 'object')
);

-- CreateIndex
CREATE INDEX "audit_log_organization_id_id_idx" ON "audit_log"("organization_id", "id");

-- CreateIndex
CREATE INDEX "audit_log_organization_id_project_id_id_idx" ON "audit_log"("organization_id", "project_id", "id");

-- CreateIndex
CREATE INDEX "audit_log_organization_id_action_id_idx" ON "audit_log"("organization_id", "action", "id");

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Append-only, enforced by the database whoever connects: no UPDATE, no DELETE, no TRUNCATE. The one
-- exception is deleting a whole organization, whose entries go with it (the foreign key's cascade
-- runs after the organization's row is gone, so this check sees it missing).
CREATE FUNCTION lumen_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "organizations" WHERE "id" = OLD."organization_id") THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION lumen_audit_log_append_only();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION lumen_audit_log_append_only();
