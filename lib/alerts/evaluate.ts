// One evaluation of one rule at one instant: read the numbers through the reports engine (runQuery,
// so rollups answer where they can), judge the condition, then in one transaction holding the
// rule's row lock record the evaluation, step the state machine, and on a transition write the
// transition and one outbox row per channel. The row lock, the instant ordering and the unique keys
// (rule + transition sequence; rule + sequence + channel) make a second evaluator harmless: it
// finds the state already moved and sends nothing twice.
import "server-only";
import type pg from "pg";
import { getPool } from "../db/client";
import { runQuery } from "../query/run-query";
import { metricQuerySchema } from "../query/schemas";
import { type Comparison, judge, type Observed } from "./condition";
import { alertLink } from "./link";
import type { AlertPayload } from "./payload";
import { type AlertDefinition, type AlertState, alertDefinitionSchema } from "./schemas";
import { stepRule } from "./state-machine";

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;
/** Evaluations older than this are deleted as new ones are written (the history shows a week). */
const EVALUATION_RETENTION = "7 days";

export interface RuleRow {
  id: string;
  organization_id: string;
  project_id: string;
  name: string;
  definition: unknown;
  channel_ids: string[];
  min_duration_seconds: number;
  cooldown_seconds: number;
  muted_until: Date | null;
  enabled: boolean;
  state: AlertState;
  state_changed_at: Date | null;
  breaching_since: Date | null;
  transition_count: number;
  last_evaluated_at: Date | null;
  evaluated_until: Date | null;
  updated_at: Date;
}

export const RULE_COLUMNS =
  "id, organization_id, project_id, name, definition, channel_ids, min_duration_seconds, cooldown_seconds, muted_until, enabled, state, state_changed_at, breaching_since, transition_count, last_evaluated_at, evaluated_until, updated_at";

interface WindowRange {
  from: Date;
  to: Date;
}

interface Reading {
  observed: Observed;
  window: WindowRange;
}

function measuredQuery(definition: AlertDefinition) {
  const { query, condition } = definition;
  return metricQuerySchema.parse({
    kind: "metric",
    event: query.event,
    filters: query.filters,
    // The rule's segment narrows whatever it measures, the no-data count included.
    segment: query.segment,
    // Tracking that stopped is seen in the event count, whatever the rule measures.
    measure: condition.type === "no_data" ? { type: "count" } : query.measure,
    compare: false,
  });
}

/** Reads the window's value and whatever the condition compares it with, as of `at`. */
async function read(rule: RuleRow, definition: AlertDefinition, at: Date): Promise<Reading> {
  const query = measuredQuery(definition);
  const scope = { organizationId: rule.organization_id, projectId: rule.project_id, now: at };
  const valueOver = async (range: WindowRange) => {
    const result = await runQuery({
      ...scope,
      query,
      range: { from: range.from.toISOString(), to: range.to.toISOString() },
    });
    return result.data.kind === "metric" ? result.data.value : null;
  };
  let window: WindowRange;
  if (definition.condition.type === "no_data") {
    window = { from: new Date(at.getTime() - definition.condition.minutes * MINUTE), to: at };
  } else if ("minutes" in definition.window) {
    window = { from: new Date(at.getTime() - definition.window.minutes * MINUTE), to: at };
  } else {
    // Today so far: the project's local midnight, as the engine resolves "today" in its time zone.
    const today = await runQuery({ ...scope, query, range: { relative: "today" } });
    window = { from: new Date(today.meta.range.from), to: at };
  }
  const shifted = (by: number): WindowRange => ({
    from: new Date(window.from.getTime() - by),
    to: new Date(window.to.getTime() - by),
  });
  const { condition } = definition;
  if (condition.type === "change") {
    const length = window.to.getTime() - window.from.getTime();
    // Today so far is compared with yesterday up to the same time.
    const previous = "minutes" in definition.window ? length : 24 * 60 * MINUTE;
    const [value, reference] = await Promise.all([
      valueOver(window),
      valueOver(shifted(condition.compare_to === "week_ago" ? WEEK : previous)),
    ]);
    return { observed: { value, reference }, window };
  }
  if (condition.type === "anomaly") {
    const weeks = Array.from({ length: condition.weeks }, (_, i) => i + 1);
    const [value, ...history] = await Promise.all([
      valueOver(window),
      ...weeks.map((week) => valueOver(shifted(week * WEEK))),
    ]);
    return { observed: { value: value ?? null, history }, window };
  }
  return { observed: { value: await valueOver(window) }, window };
}

export interface EvaluationOutcome {
  /** False when the rule was gone, disabled, edited meanwhile, or already evaluated at a later instant. */
  recorded: boolean;
  state?: AlertState;
  transition?: "firing" | "resolved" | null;
  notifications?: number;
}

function windowLabel(definition: AlertDefinition): string {
  if (definition.condition.type === "no_data") return `last ${definition.condition.minutes} minutes`;
  return "minutes" in definition.window ? `last ${definition.window.minutes} minutes` : "today so far";
}

function buildPayload(
  rule: RuleRow,
  definition: AlertDefinition,
  state: "firing" | "resolved",
  at: Date,
  value: number | null,
  comparison: Comparison,
  window: WindowRange,
): AlertPayload {
  return {
    rule: { id: rule.id, name: rule.name, project_id: rule.project_id },
    state,
    at: at.toISOString(),
    value,
    condition: definition.condition,
    ...comparison,
    window: { from: window.from.toISOString(), to: window.to.toISOString(), label: windowLabel(definition) },
    link: alertLink(rule.project_id, rule.id),
    test: false,
  };
}

/**
 * Evaluates `rule` as of `at`. `slot` marks a scheduled minute: the rule's catch-up point moves to it
 * (ingestion-triggered evaluations between minutes do not move it).
 */
export async function evaluateRule(
  rule: RuleRow,
  at: Date,
  options: { slot?: boolean } = {},
): Promise<EvaluationOutcome> {
  const definition = alertDefinitionSchema.parse(rule.definition);
  const { observed, window } = await read(rule, definition, at);
  const verdict = judge(definition.condition, observed);
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    const outcome = await record(client, rule, definition, at, options.slot === true, observed, verdict, window);
    await client.query("COMMIT");
    return outcome;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function record(
  db: pg.PoolClient,
  read: RuleRow,
  definition: AlertDefinition,
  at: Date,
  slot: boolean,
  observed: Observed,
  verdict: ReturnType<typeof judge>,
  window: WindowRange,
): Promise<EvaluationOutcome> {
  const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1 FOR UPDATE`, [
    read.id,
  ]);
  const rule = rows[0];
  if (!rule?.enabled || rule.updated_at.getTime() !== read.updated_at.getTime()) return { recorded: false };
  if (rule.last_evaluated_at && rule.last_evaluated_at >= at) {
    // Another evaluation already saw a later instant: this one would step the state backwards.
    if (slot)
      await db.query("UPDATE alert_rules SET evaluated_until = GREATEST(evaluated_until, $2) WHERE id = $1", [
        rule.id,
        at,
      ]);
    return { recorded: false };
  }
  const step = stepRule(
    { state: rule.state, stateChangedAt: rule.state_changed_at, breachingSince: rule.breaching_since },
    verdict.breaching,
    at,
    { minDurationSeconds: rule.min_duration_seconds, cooldownSeconds: rule.cooldown_seconds },
  );
  await db.query(
    `INSERT INTO alert_evaluations (organization_id, rule_id, at, value, comparison, breaching, state) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      rule.organization_id,
      rule.id,
      at,
      observed.value,
      JSON.stringify(verdict.comparison),
      verdict.breaching,
      step.status.state,
    ],
  );
  await db.query(`DELETE FROM alert_evaluations WHERE rule_id = $1 AND at < $2::timestamptz - $3::interval`, [
    rule.id,
    at,
    EVALUATION_RETENTION,
  ]);
  let notifications = 0;
  if (step.transition) {
    const seq = rule.transition_count;
    const payload = buildPayload(rule, definition, step.transition, at, observed.value, verdict.comparison, window);
    // A resolved whose firing nobody was told of would be noise: it is muted like its firing.
    const firingWasMuted =
      step.transition === "resolved" &&
      (
        await db.query<{ muted: boolean }>("SELECT muted FROM alert_transitions WHERE rule_id = $1 AND seq = $2", [
          rule.id,
          seq - 1,
        ])
      ).rows[0]?.muted === true;
    const muted = (rule.muted_until !== null && rule.muted_until > at) || firingWasMuted;
    await db.query(
      `INSERT INTO alert_transitions (id, organization_id, project_id, rule_id, seq, state, at, muted, payload)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8)`,
      [rule.organization_id, rule.project_id, rule.id, seq, step.transition, at, muted, JSON.stringify(payload)],
    );
    if (!muted) notifications = await enqueue(db, rule, seq, payload);
  }
  await db.query(
    `UPDATE alert_rules SET state = $2, state_changed_at = $3, breaching_since = $4,
       transition_count = transition_count + $5, last_evaluated_at = $6, last_value = $7,
       evaluated_until = CASE WHEN $8 THEN GREATEST(evaluated_until, $6) ELSE evaluated_until END
     WHERE id = $1`,
    [
      rule.id,
      step.status.state,
      step.status.stateChangedAt,
      step.status.breachingSince,
      step.transition ? 1 : 0,
      at,
      observed.value,
      slot,
    ],
  );
  return { recorded: true, state: step.status.state, transition: step.transition, notifications };
}

/**
 * One outbox row per channel of the rule (still in its project), keyed by rule, transition and
 * channel: written in the transition's transaction, so a crash loses or doubles none. In-app
 * notifications have nothing to send: they are delivered as they are written.
 */
async function enqueue(db: pg.PoolClient, rule: RuleRow, seq: number, payload: AlertPayload): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO alert_notifications (id, organization_id, project_id, channel_id, rule_id, idempotency_key, payload, status, delivered_at)
     SELECT gen_random_uuid(), c.organization_id, c.project_id, c.id, $3, $4 || c.id::text,
            jsonb_set($5::jsonb, '{id}', to_jsonb($4 || c.id::text)),
            CASE WHEN c.kind = 'in_app' THEN 'delivered' ELSE 'pending' END,
            CASE WHEN c.kind = 'in_app' THEN now() END
     FROM alert_channels c
     WHERE c.organization_id = $1 AND c.project_id = $2 AND c.id = ANY($6::uuid[])
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [rule.organization_id, rule.project_id, rule.id, `${rule.id}:${seq}:`, JSON.stringify(payload), rule.channel_ids],
  );
  return rowCount ?? 0;
}
