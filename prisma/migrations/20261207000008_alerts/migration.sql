-- Alerts (issue 20): rules and their state, channels, evaluations, transitions, the delivery outbox
-- and its log, and the lease that keeps evaluation to one app process at a time.

-- CreateEnum
CREATE TYPE "AlertChannelKind" AS ENUM ('webhook', 'slack', 'email', 'in_app');

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_by" UUID,
    "definition" JSONB NOT NULL,
    "channel_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "min_duration_seconds" INTEGER NOT NULL DEFAULT 0,
    "cooldown_seconds" INTEGER NOT NULL DEFAULT 0,
    "muted_until" TIMESTAMPTZ(3),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "state" TEXT NOT NULL DEFAULT 'ok',
    "state_changed_at" TIMESTAMPTZ(3),
    "breaching_since" TIMESTAMPTZ(3),
    "transition_count" INTEGER NOT NULL DEFAULT 0,
    "evaluated_until" TIMESTAMPTZ(3),
    "last_evaluated_at" TIMESTAMPTZ(3),
    "last_value" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_channels" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertChannelKind" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secret" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_evaluations" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION,
    "comparison" JSONB NOT NULL DEFAULT '{}',
    "breaching" BOOLEAN NOT NULL,
    "state" TEXT NOT NULL,

    CONSTRAINT "alert_evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_transitions" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "muted" BOOLEAN NOT NULL DEFAULT false,
    "payload" JSONB NOT NULL,

    CONSTRAINT "alert_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_notifications" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "rule_id" UUID,
    "idempotency_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "alert_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "alert_rules_organization_id_project_id_idx" ON "alert_rules"("organization_id", "project_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_organization_id_id_key" ON "alert_rules"("organization_id", "id");

-- CreateIndex
CREATE INDEX "alert_channels_organization_id_project_id_idx" ON "alert_channels"("organization_id", "project_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_channels_organization_id_id_key" ON "alert_channels"("organization_id", "id");

-- CreateIndex
CREATE INDEX "alert_evaluations_rule_id_at_idx" ON "alert_evaluations"("rule_id", "at");

-- CreateIndex
CREATE INDEX "alert_transitions_organization_id_project_id_at_idx" ON "alert_transitions"("organization_id", "project_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_transitions_rule_id_seq_key" ON "alert_transitions"("rule_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "alert_notifications_idempotency_key_key" ON "alert_notifications"("idempotency_key");

-- CreateIndex
CREATE INDEX "alert_notifications_status_next_attempt_at_idx" ON "alert_notifications"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_notifications_organization_id_project_id_created_at_idx" ON "alert_notifications"("organization_id", "project_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_notifications_organization_id_id_key" ON "alert_notifications"("organization_id", "id");

-- CreateIndex
CREATE INDEX "alert_delivery_attempts_notification_id_idx" ON "alert_delivery_attempts"("notification_id");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_organization_id_project_id_fkey" FOREIGN KEY ("organization_id", "project_id") REFERENCES "projects"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_channels" ADD CONSTRAINT "alert_channels_organization_id_project_id_fkey" FOREIGN KEY ("organization_id", "project_id") REFERENCES "projects"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_evaluations" ADD CONSTRAINT "alert_evaluations_organization_id_rule_id_fkey" FOREIGN KEY ("organization_id", "rule_id") REFERENCES "alert_rules"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_transitions" ADD CONSTRAINT "alert_transitions_organization_id_rule_id_fkey" FOREIGN KEY ("organization_id", "rule_id") REFERENCES "alert_rules"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_organization_id_channel_id_fkey" FOREIGN KEY ("organization_id", "channel_id") REFERENCES "alert_channels"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_delivery_attempts" ADD CONSTRAINT "alert_delivery_attempts_organization_id_notification_id_fkey" FOREIGN KEY ("organization_id", "notification_id") REFERENCES "alert_notifications"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
