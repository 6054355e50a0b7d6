// The notification outbox: rows written with their transition (evaluate.ts) are claimed by any app
// process (FOR UPDATE SKIP LOCKED, then a claim that outlives a send), sent, and marked delivered;
// a failed send is retried with exponential backoff until 24 h after the notification was made,
// then marked failed. Every attempt is logged (alert_delivery_attempts). A process that dies
// mid-send leaves its claim to expire, and the row is sent again: receivers see the same
// Idempotency-Key header on every retry, so they can drop a repeat.
import "server-only";
import { randomUUID } from "node:crypto";
import { backoffDelay } from "../backoff";
import { getPool } from "../db/client";
import { log } from "../log";
import type { AlertPayload } from "./payload";
import { type ChannelTarget, type SendResult, sendToChannel } from "./send";

const CLAIM_BATCH = 20;
/** Longer than a send may take (send.ts times out at 10 s), so a live sender's claim never lapses. */
const CLAIM_SECONDS = 120;
const RETRY = { baseMs: 30_000, maxMs: 2 * 3_600_000 };
const GIVE_UP_AFTER_MS = 24 * 3_600_000;

interface ClaimedNotification {
  id: string;
  organization_id: string;
  payload: AlertPayload;
  attempts: number;
  created_at: Date;
  kind: ChannelTarget["kind"];
  config: unknown;
  secret: string | null;
}

async function logAttempt(organizationId: string, notificationId: string, result: SendResult, durationMs: number) {
  await getPool().query(
    `INSERT INTO alert_delivery_attempts (organization_id, notification_id, ok, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      organizationId,
      notificationId,
      result.ok,
      result.statusCode ?? null,
      result.error?.slice(0, 1000) ?? null,
      durationMs,
    ],
  );
}

async function settle(row: ClaimedNotification, result: SendResult, now: number): Promise<void> {
  if (result.ok) {
    await getPool().query(
      "UPDATE alert_notifications SET status = 'delivered', delivered_at = now(), claimed_until = NULL, last_error = NULL WHERE id = $1",
      [row.id],
    );
    return;
  }
  const wait = backoffDelay(row.attempts - 1, RETRY);
  const givingUp = now + wait > row.created_at.getTime() + GIVE_UP_AFTER_MS;
  await getPool().query(
    `UPDATE alert_notifications SET status = $2, next_attempt_at = now() + $3 * interval '1 millisecond', claimed_until = NULL, last_error = $4 WHERE id = $1`,
    [row.id, givingUp ? "failed" : "pending", Math.round(wait), result.error?.slice(0, 1000) ?? "failed"],
  );
}

async function attempt(row: ClaimedNotification): Promise<SendResult> {
  const started = performance.now();
  const result = await sendToChannel(row, row.payload);
  await logAttempt(row.organization_id, row.id, result, Math.round(performance.now() - started));
  return result;
}

/** Sends what is due; resolves with how many were attempted. */
export async function deliverDue(): Promise<number> {
  const { rows } = await getPool().query<ClaimedNotification>(
    `UPDATE alert_notifications n SET claimed_until = now() + $1 * interval '1 second', attempts = n.attempts + 1
     FROM alert_channels c
     WHERE c.id = n.channel_id AND n.id IN (
       SELECT id FROM alert_notifications
       WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING n.id, n.organization_id, n.payload, n.attempts, n.created_at, c.kind, c.config, c.secret`,
    [CLAIM_SECONDS, CLAIM_BATCH],
  );
  await Promise.all(
    rows.map(async (row) => {
      try {
        await settle(row, await attempt(row), Date.now());
      } catch (error) {
        log.warn("alert delivery failed", { error: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  return rows.length;
}

/** Drains the outbox, never twice at once in a process: a call while it runs makes it go round again. */
export class OutboxDrainer {
  private running = false;
  private again = false;

  async drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        while ((await deliverDue()) === CLAIM_BATCH);
      } while (this.again);
    } catch (error) {
      log.warn("alert outbox failed", { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.running = false;
    }
  }
}

export interface TestChannel extends ChannelTarget {
  id: string;
  organizationId: string;
  projectId: string;
  name: string;
}

/**
 * "Send test": one notification sent now, in the request, and answered with how it went. It goes
 * through the outbox's log like any other, but is not retried: the person is waiting for the answer.
 */
export async function sendTest(channel: TestChannel, payload: AlertPayload): Promise<SendResult> {
  const key = `test:${randomUUID()}:${channel.id}`;
  const body = { ...payload, id: key };
  const { rows } = await getPool().query<{ id: string; created_at: Date }>(
    `INSERT INTO alert_notifications (id, organization_id, project_id, channel_id, idempotency_key, payload, status, attempts, delivered_at, claimed_until)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 1, $7, now() + $8 * interval '1 second') RETURNING id, created_at`,
    [
      channel.organizationId,
      channel.projectId,
      channel.id,
      key,
      JSON.stringify(body),
      channel.kind === "in_app" ? "delivered" : "pending",
      channel.kind === "in_app" ? new Date() : null,
      // Claimed by this request, so no background sender takes it too.
      CLAIM_SECONDS,
    ],
  );
  const row = rows[0] as { id: string; created_at: Date };
  if (channel.kind === "in_app") return { ok: true };
  const result = await attempt({
    id: row.id,
    organization_id: channel.organizationId,
    payload: body,
    attempts: 1,
    created_at: row.created_at,
    kind: channel.kind,
    config: channel.config,
    secret: channel.secret,
  });
  await getPool().query(
    "UPDATE alert_notifications SET status = $2, delivered_at = CASE WHEN $3 THEN now() END, last_error = $4, claimed_until = NULL WHERE id = $1",
    [row.id, result.ok ? "delivered" : "failed", result.ok, result.error ?? null],
  );
  return result;
}
