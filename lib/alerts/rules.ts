// Alert rules: create, read, change, delete, and their history (evaluations, transitions and the
// notifications they sent, with every delivery attempt). Access is decided in access.ts.
import "server-only";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ApiError } from "../errors";
import { resolveQueryGoals } from "../goals/goals";
import { assertSegmentOfProject } from "../segments/segments";
import { isUuid } from "../uuid";
import {
  type AlertActor,
  assertCanCreateRule,
  assertCanEditRule,
  canEditRule,
  type ProjectAccess,
  projectAccess,
} from "./access";
import { alertDefinitionSchema, alertRuleCreateSchema, alertRuleUpdateSchema } from "./schemas";

type RuleRecord = Prisma.AlertRuleGetPayload<object>;

function describeRule(rule: RuleRecord, access: ProjectAccess) {
  const definition = alertDefinitionSchema.parse(rule.definition);
  return {
    id: rule.id,
    project_id: rule.projectId,
    name: rule.name,
    ...definition,
    channel_ids: rule.channelIds,
    min_duration_seconds: rule.minDurationSeconds,
    cooldown_seconds: rule.cooldownSeconds,
    muted_until: rule.mutedUntil,
    enabled: rule.enabled,
    state: rule.state,
    state_changed_at: rule.stateChangedAt,
    last_evaluated_at: rule.lastEvaluatedAt,
    last_value: rule.lastValue,
    created_by: rule.createdBy,
    created_at: rule.createdAt,
    updated_at: rule.updatedAt,
    can_edit: canEditRule(access, rule.createdBy),
  };
}

export type AlertRuleView = ReturnType<typeof describeRule>;

/** Every channel named must be one of the project's. */
async function assertChannelsInProject(access: ProjectAccess, channelIds: string[]): Promise<void> {
  if (channelIds.length === 0) return;
  const found = await getPrisma().alertChannel.count({
    where: { organizationId: access.organizationId, projectId: access.projectId, id: { in: channelIds } },
  });
  if (found !== new Set(channelIds).size)
    throw new ApiError("invalid_request", "channel_ids: every channel must be one of this project's", [
      { path: "channel_ids", message: "unknown channel" },
    ]);
}

export async function listRules(actor: AlertActor, projectId: unknown) {
  const access = await projectAccess(actor, projectId);
  const rules = await getPrisma().alertRule.findMany({
    where: { organizationId: access.organizationId, projectId: access.projectId },
    orderBy: { createdAt: "asc" },
  });
  return { rules: rules.map((rule) => describeRule(rule, access)) };
}

export async function createRule(actor: AlertActor, body: unknown) {
  const input = alertRuleCreateSchema.parse(body);
  const access = await projectAccess(actor, input.project_id);
  assertCanCreateRule(access);
  await assertChannelsInProject(access, input.channel_ids);
  await assertSegmentOfProject(access, input.query.segment, "query.segment");
  // A goal of another project would fail every evaluation: refused now, as the query API refuses it.
  await resolveQueryGoals(access.organizationId, access.projectId, input.query);
  const rule = await getPrisma().alertRule.create({
    data: {
      organizationId: access.organizationId,
      projectId: access.projectId,
      name: input.name,
      createdBy: access.userId,
      definition: { query: input.query, window: input.window, condition: input.condition },
      channelIds: [...new Set(input.channel_ids)],
      minDurationSeconds: input.min_duration_seconds,
      cooldownSeconds: input.cooldown_seconds,
      mutedUntil: input.muted_until ? new Date(input.muted_until) : null,
      enabled: input.enabled,
    },
  });
  return describeRule(rule, access);
}

const missingRule = () => new ApiError("not_found", "No such alert rule");

async function ruleWithAccess(actor: AlertActor, id: string): Promise<{ rule: RuleRecord; access: ProjectAccess }> {
  if (!isUuid(id)) throw missingRule();
  const rule = await getPrisma().alertRule.findUnique({ where: { id } });
  if (!rule) throw missingRule();
  const access = await projectAccess(actor, rule.projectId).catch((error: unknown) => {
    throw error instanceof ApiError && error.code === "not_found" ? missingRule() : error;
  });
  return { rule, access };
}

export async function getRule(actor: AlertActor, id: string) {
  const { rule, access } = await ruleWithAccess(actor, id);
  return describeRule(rule, access);
}

export async function updateRule(actor: AlertActor, id: string, body: unknown) {
  const input = alertRuleUpdateSchema.parse(body);
  const { rule, access } = await ruleWithAccess(actor, id);
  assertCanEditRule(access, rule.createdBy);
  if (input.channel_ids) await assertChannelsInProject(access, input.channel_ids);
  if (input.query) {
    await assertSegmentOfProject(access, input.query.segment, "query.segment");
    await resolveQueryGoals(access.organizationId, access.projectId, input.query);
  }
  const current = alertDefinitionSchema.parse(rule.definition);
  const definition = {
    query: input.query ?? current.query,
    window: input.window ?? current.window,
    condition: input.condition ?? current.condition,
  };
  const updated = await getPrisma().alertRule.update({
    where: { id: rule.id },
    data: {
      name: input.name,
      definition,
      channelIds: input.channel_ids ? [...new Set(input.channel_ids)] : undefined,
      minDurationSeconds: input.min_duration_seconds,
      cooldownSeconds: input.cooldown_seconds,
      mutedUntil: input.muted_until === undefined ? undefined : input.muted_until && new Date(input.muted_until),
      enabled: input.enabled,
      // Re-enabled: start from now, rather than catching up on the minutes it was off.
      ...(input.enabled === true && !rule.enabled ? { evaluatedUntil: null } : {}),
    },
  });
  return describeRule(updated, access);
}

export async function deleteRule(actor: AlertActor, id: string): Promise<void> {
  const { rule, access } = await ruleWithAccess(actor, id);
  assertCanEditRule(access, rule.createdBy);
  const prisma = getPrisma();
  // What it had not sent yet is not sent after it is gone; what was sent stays in the channels' logs.
  await prisma.$transaction([
    prisma.alertNotification.deleteMany({
      where: { organizationId: rule.organizationId, ruleId: rule.id, status: "pending" },
    }),
    prisma.alertRule.delete({ where: { id: rule.id } }),
  ]);
}

const HISTORY_EVALUATIONS = 200;
const HISTORY_TRANSITIONS = 50;

export async function ruleHistory(actor: AlertActor, id: string) {
  const { rule } = await ruleWithAccess(actor, id);
  const prisma = getPrisma();
  const [evaluations, transitions, notifications] = await Promise.all([
    prisma.alertEvaluation.findMany({ where: { ruleId: rule.id }, orderBy: { at: "desc" }, take: HISTORY_EVALUATIONS }),
    prisma.alertTransition.findMany({
      where: { ruleId: rule.id },
      orderBy: { seq: "desc" },
      take: HISTORY_TRANSITIONS,
    }),
    prisma.alertNotification.findMany({
      where: { organizationId: rule.organizationId, ruleId: rule.id },
      orderBy: { createdAt: "desc" },
      take: HISTORY_TRANSITIONS * 4,
      include: { channel: { select: { name: true, kind: true } }, attemptLog: { orderBy: { at: "asc" } } },
    }),
  ]);
  return {
    evaluations: evaluations.map((e) => ({
      at: e.at,
      value: e.value,
      comparison: e.comparison,
      breaching: e.breaching,
      state: e.state,
    })),
    transitions: transitions.map((t) => ({ seq: t.seq, state: t.state, at: t.at, muted: t.muted, payload: t.payload })),
    notifications: notifications.map((n) => ({
      id: n.id,
      key: n.idempotencyKey,
      channel: { id: n.channelId, name: n.channel.name, kind: n.channel.kind },
      state: (n.payload as { state?: string }).state,
      status: n.status,
      attempts: n.attemptLog.map((a) => ({
        at: a.at,
        ok: a.ok,
        status_code: a.statusCode,
        error: a.error,
        duration_ms: a.durationMs,
      })),
      next_attempt_at: n.status === "pending" ? n.nextAttemptAt : null,
      last_error: n.lastError,
      delivered_at: n.deliveredAt,
      created_at: n.createdAt,
    })),
  };
}
