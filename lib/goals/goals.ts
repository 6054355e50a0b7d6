// A project's goals: list, create, change, delete (each change audited in its own transaction), and
// the goal a query's measure names, resolved for the query engine.
//   - read: a read API key of the organization (bound to no project or this one), any member;
//   - manage: owners, admins and analysts, and admin API keys (bound to no project or this one).
// Another organization's project (or goal) looks missing (404); a viewer changing one gets a 403.
import "server-only";
import { type AuditActor, recordAudit, userActor } from "../audit/record";
import { authenticateApiKey, bearerToken } from "../auth/api-keys";
import { authenticateReader, readableProjectOrganization } from "../auth/read-access";
import { getRoleOrThrow, hasRole } from "../auth/roles";
import { requireUser } from "../auth/session";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ApiError } from "../errors";
import { type Filter, GOAL_FIELD, type Measure } from "../query/schemas";
import { isGoalMeasure } from "../query/vocabulary";
import { isUuid } from "../uuid";
import {
  describeGoalDefinition,
  type GoalDefinition,
  type GoalView,
  goalCreateSchema,
  goalDefinitionSchema,
  goalUpdateSchema,
  MAX_GOALS_PER_PROJECT,
} from "./schemas";

type GoalRecord = Prisma.GoalGetPayload<object>;

export interface GoalManager {
  organizationId: string;
  projectId: string;
  actor: AuditActor;
}

const missingProject = () => new ApiError("not_found", "No such project");
const missingGoal = () => new ApiError("not_found", "No such goal in this project");

function describeGoal(goal: GoalRecord): GoalView {
  return {
    id: goal.id,
    project_id: goal.projectId,
    name: goal.name,
    definition: goalDefinitionSchema.parse(goal.definition),
    created_at: goal.createdAt.toISOString(),
    updated_at: goal.updatedAt.toISOString(),
  };
}

/** Who may change the project's goals: an admin key of it, or a member with the analyst role or higher. */
export async function authorizeGoalManager(request: Request, projectId: string): Promise<GoalManager> {
  const project = isUuid(projectId)
    ? await getPrisma().project.findUnique({ where: { id: projectId }, select: { id: true, organizationId: true } })
    : null;
  if (!project) throw missingProject();
  const presented = bearerToken(request);
  if (presented) {
    const key = await authenticateApiKey(presented, "admin");
    if (key.organizationId !== project.organizationId || (key.projectId && key.projectId !== project.id))
      throw missingProject();
    return { organizationId: project.organizationId, projectId: project.id, actor: { kind: "api_key", keyId: key.id } };
  }
  const user = await requireUser();
  const role = await getRoleOrThrow(user.id, project.organizationId).catch(() => {
    throw missingProject();
  });
  if (!hasRole(role, "analyst"))
    throw new ApiError("forbidden", `Managing goals needs the analyst role or higher; you are ${role}`);
  return { organizationId: project.organizationId, projectId: project.id, actor: userActor(user.id) };
}

export async function listGoals(request: Request, projectId: string): Promise<{ goals: GoalView[] }> {
  const organizationId = await readableProjectOrganization(await authenticateReader(request), projectId);
  const goals = await getPrisma().goal.findMany({
    where: { organizationId, projectId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { goals: goals.map(describeGoal) };
}

const nameTaken = (name: string) =>
  new ApiError("conflict", `This project already has a goal named "${name}"`, [
    { path: "name", message: "already used by another goal" },
  ]);

/** A unique violation on (organization, project, name) is a name another goal holds. */
function isNameConflict(error: unknown): boolean {
  return (error as { code?: unknown }).code === "P2002";
}

export async function createGoal(manager: GoalManager, body: unknown): Promise<GoalView> {
  const input = goalCreateSchema.parse(body);
  try {
    return await getPrisma().$transaction(async (tx) => {
      // Goals of one project are created one at a time, so the bound holds under concurrent requests.
      await tx.$queryRaw`SELECT 1 FROM projects WHERE id = ${manager.projectId}::uuid FOR UPDATE`;
      const existing = await tx.goal.count({
        where: { organizationId: manager.organizationId, projectId: manager.projectId },
      });
      if (existing >= MAX_GOALS_PER_PROJECT)
        throw new ApiError(
          "conflict",
          `A project has at most ${MAX_GOALS_PER_PROJECT} goals; delete one to make room for another`,
        );
      const goal = await tx.goal.create({
        data: {
          organizationId: manager.organizationId,
          projectId: manager.projectId,
          name: input.name,
          definition: input.definition,
        },
      });
      await recordAudit(tx, {
        organizationId: manager.organizationId,
        projectId: manager.projectId,
        actor: manager.actor,
        action: "goal.created",
        target: { type: "goal", id: goal.id },
        details: { name: goal.name, definition: describeGoalDefinition(input.definition) },
      });
      return describeGoal(goal);
    });
  } catch (error) {
    throw isNameConflict(error) ? nameTaken(input.name) : error;
  }
}

async function goalOfProject(tx: Prisma.TransactionClient, manager: GoalManager, goalId: string) {
  const goal = isUuid(goalId)
    ? await tx.goal.findFirst({
        where: { id: goalId, organizationId: manager.organizationId, projectId: manager.projectId },
      })
    : null;
  if (!goal) throw missingGoal();
  return goal;
}

export async function updateGoal(manager: GoalManager, goalId: string, body: unknown): Promise<GoalView> {
  const change = goalUpdateSchema.parse(body);
  try {
    return await getPrisma().$transaction(async (tx) => {
      const before = await goalOfProject(tx, manager, goalId);
      const goal = await tx.goal.update({
        where: { id: before.id },
        data: { name: change.name, definition: change.definition },
      });
      await recordAudit(tx, {
        organizationId: manager.organizationId,
        projectId: manager.projectId,
        actor: manager.actor,
        action: "goal.changed",
        target: { type: "goal", id: goal.id },
        details: {
          name: goal.name,
          ...(change.name !== undefined && change.name !== before.name ? { previous_name: before.name } : {}),
          ...(change.definition ? { definition: describeGoalDefinition(change.definition) } : {}),
        },
      });
      return describeGoal(goal);
    });
  } catch (error) {
    throw isNameConflict(error) && change.name !== undefined ? nameTaken(change.name) : error;
  }
}

export async function deleteGoal(manager: GoalManager, goalId: string): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    const goal = await goalOfProject(tx, manager, goalId);
    await tx.goal.delete({ where: { id: goal.id } });
    await recordAudit(tx, {
      organizationId: manager.organizationId,
      projectId: manager.projectId,
      actor: manager.actor,
      action: "goal.deleted",
      target: { type: "goal", id: goal.id },
      details: { name: goal.name },
    });
  });
}

/**
 * The goals a query names (its goal measure, its "goal" filters), by id, from the query's own
 * project: a goal of another project (or organization) or none at all is a 400 naming where the
 * query names it. Empty when it names none. A query, or an alert rule's (checked when saved).
 */
export async function resolveQueryGoals(
  organizationId: string,
  projectId: string,
  query: { measure?: Measure; filters: readonly Filter[] },
): Promise<Record<string, GoalDefinition>> {
  const named: { id: string; path: string }[] = [];
  if (query.measure && "goal" in query.measure && isGoalMeasure(query.measure.type))
    named.push({ id: query.measure.goal, path: "query.measure.goal" });
  query.filters.forEach((filter, i) => {
    if (filter.field === GOAL_FIELD) named.push({ id: String(filter.value), path: `query.filters[${i}].value` });
  });
  if (named.length === 0) return {};
  const goals = await getPrisma().goal.findMany({
    where: { id: { in: named.map((n) => n.id) }, organizationId, projectId },
    select: { id: true, definition: true },
  });
  const resolved = Object.fromEntries(goals.map((g) => [g.id, goalDefinitionSchema.parse(g.definition)]));
  const unknown = named.filter((n) => !(n.id in resolved));
  if (unknown.length)
    throw new ApiError(
      "invalid_request",
      `${unknown[0]!.path}: no such goal in this project`,
      unknown.map((n) => ({ path: n.path, message: "no such goal in this project" })),
    );
  return resolved;
}
