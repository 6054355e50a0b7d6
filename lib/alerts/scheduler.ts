// When rules are evaluated, and by whom. One app process at a time holds the evaluator lease
// (lease.ts) and evaluates every enabled rule at each minute of the alert clock (clock.ts); a rule
// whose catch-up point (evaluated_until) lags, after a restart or downtime, is evaluated at each
// missed minute in order, up to the last hour of them. Short-window rules are also evaluated when
// their project's data changes: the leader watches those projects on the realtime hub, which hears
// ingestion's NOTIFY from every process. Every process sends what the outbox holds (outbox.ts).
import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { getPool } from "../db/client";
import { log } from "../log";
import { getRealtimeHub } from "../realtime/hub";
import { every } from "../repeat";
import { alertNow } from "./clock";
import { evaluateRule, RULE_COLUMNS, type RuleRow } from "./evaluate";
import { holdLease } from "./lease";
import { OutboxDrainer } from "./outbox";
import { SHORT_WINDOW_MINUTES } from "./schemas";

const LEASE_NAME = "alert-evaluator";
/** The leader renews every tick; a dead leader's lease lapses after this, and another process takes over. */
const LEASE_TTL_MS = 15_000;
const TICK_MS = 1_000;
/** How often ingestion-triggered evaluations run at most: the hub itself coalesces a project's changes per 250 ms. */
const TRIGGER_TICK_MS = 250;
const OUTBOX_POLL_MS = 1_000;
const MINUTE = 60_000;
/** Missed minutes evaluated per rule after downtime: older ones are past any rolling window worth paging about. */
const MAX_CATCH_UP_MINUTES = 60;

/** Rules whose window (or no-data span) is short enough to be worth evaluating as events arrive. */
const SHORT_WINDOW_SQL = `COALESCE((definition->'condition'->>'minutes')::int, (definition->'window'->>'minutes')::int) <= ${SHORT_WINDOW_MINUTES}`;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AlertScheduler {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private leader = false;
  private readonly watches = new Map<string, () => void>();
  private readonly changedProjects = new Set<string>();
  readonly outbox = new OutboxDrainer();

  start(): void {
    // The lease has a loop of its own, so a long round of evaluations never lets it lapse.
    every(TICK_MS, () => this.renewLease());
    every(TICK_MS, () => this.tick());
    every(TRIGGER_TICK_MS, () => this.evaluateChangedProjects());
    every(OUTBOX_POLL_MS, () => this.outbox.drain());
  }

  private async renewLease(): Promise<void> {
    try {
      this.leader = await holdLease(getPool(), LEASE_NAME, this.holder, LEASE_TTL_MS);
    } catch (error) {
      this.leader = false;
      log.warn("alert lease failed", { error: message(error) });
    }
    if (!this.leader) this.unwatchAll();
  }

  private async tick(): Promise<void> {
    if (!this.leader) return;
    try {
      // Every tick (one small query), so a new rule is watched by the time it is first evaluated.
      await this.refreshWatches();
      await this.evaluateDueMinutes(alertNow());
    } catch (error) {
      log.warn("alert evaluation failed", { error: message(error) });
    }
  }

  /** Every enabled rule at each minute it has not been evaluated at yet (the oldest first). */
  async evaluateDueMinutes(now: Date): Promise<void> {
    const minute = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
    const { rows } = await getPool().query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE enabled AND (evaluated_until IS NULL OR evaluated_until < $1) ORDER BY id`,
      [minute],
    );
    for (const rule of rows) {
      const first = rule.evaluated_until
        ? Math.max(rule.evaluated_until.getTime() + MINUTE, minute.getTime() - (MAX_CATCH_UP_MINUTES - 1) * MINUTE)
        : minute.getTime();
      let notified = false;
      for (let at = first; at <= minute.getTime(); at += MINUTE) {
        try {
          notified = ((await evaluateRule(rule, new Date(at), { slot: true })).notifications ?? 0) > 0 || notified;
        } catch (error) {
          log.warn("alert rule evaluation failed", { rule_id: rule.id, error: message(error) });
          // Tried again at the next minute, not at every tick until then (a query that keeps failing
          // would otherwise run every second).
          await getPool()
            .query("UPDATE alert_rules SET evaluated_until = GREATEST(evaluated_until, $2) WHERE id = $1", [
              rule.id,
              minute,
            ])
            .catch(() => undefined);
          break;
        }
      }
      if (notified) void this.outbox.drain();
    }
  }

  /** Short-window rules of the projects whose events changed since the last round, as of now. */
  private async evaluateChangedProjects(): Promise<void> {
    if (!this.leader || this.changedProjects.size === 0) return;
    const projects = [...this.changedProjects];
    this.changedProjects.clear();
    try {
      const { rows } = await getPool().query<RuleRow>(
        `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE enabled AND project_id = ANY($1::uuid[]) AND ${SHORT_WINDOW_SQL}`,
        [projects],
      );
      const at = alertNow();
      const outcomes = await Promise.all(
        rows.map((rule) =>
          evaluateRule(rule, at).catch((error: unknown) => {
            log.warn("alert rule evaluation failed", { rule_id: rule.id, error: message(error) });
            return { notifications: 0 };
          }),
        ),
      );
      if (outcomes.some((outcome) => (outcome.notifications ?? 0) > 0)) void this.outbox.drain();
    } catch (error) {
      log.warn("alert evaluation failed", { error: message(error) });
    }
  }

  /** Watches the projects that have short-window rules on the realtime hub (and no others). */
  private async refreshWatches(): Promise<void> {
    const { rows } = await getPool().query<{ project_id: string }>(
      `SELECT DISTINCT project_id FROM alert_rules WHERE enabled AND ${SHORT_WINDOW_SQL}`,
    );
    const wanted = new Set(rows.map((row) => row.project_id));
    for (const [projectId, unwatch] of this.watches) {
      if (!wanted.has(projectId)) {
        unwatch();
        this.watches.delete(projectId);
      }
    }
    const hub = getRealtimeHub();
    for (const projectId of wanted) {
      if (this.watches.has(projectId)) continue;
      const feed = {
        key: JSON.stringify(["alerts", projectId]),
        projectId,
        // The hub runs this once per tick for a project whose events changed: note it, evaluate apart.
        compute: async ({ changed }: { changed: boolean }) => {
          if (changed) this.changedProjects.add(projectId);
          return null;
        },
      };
      this.watches.set(
        projectId,
        hub.subscribe(feed, () => undefined),
      );
    }
  }

  private unwatchAll(): void {
    for (const unwatch of this.watches.values()) unwatch();
    this.watches.clear();
  }
}

const globalForAlerts = globalThis as unknown as { lumenAlertScheduler?: AlertScheduler };

/** This process's scheduler: one per process, whichever bundle asks (instrumentation, route handlers). */
export function getAlertScheduler(): AlertScheduler {
  globalForAlerts.lumenAlertScheduler ??= new AlertScheduler();
  return globalForAlerts.lumenAlertScheduler;
}

export function startAlerts(): void {
  getAlertScheduler().start();
}
