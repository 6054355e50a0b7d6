// Alert channels of a project (webhook, Slack, email, in-app), "send test", and the in-app list.
// Managers (access.ts) create, delete and test channels and see their settings; a webhook's secret
// is made here and shown once, in the answer to its creation. Others see names and kinds only, so
// analysts can pick channels for their rules.
import "server-only";
import { randomBytes } from "node:crypto";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ApiError } from "../errors";
import { assertPublicDestination, OutboundDestinationError } from "../net/outbound";
import { isUuid } from "../uuid";
import { type AlertActor, assertCanManageAlerts, canManageAlerts, type ProjectAccess, projectAccess } from "./access";
import { alertNow } from "./clock";
import { alertLink } from "./link";
import { sendTest } from "./outbox";
import type { AlertPayload } from "./payload";
import { alertChannelCreateSchema, alertChannelUpdateSchema } from "./schemas";

type ChannelRecord = Prisma.AlertChannelGetPayload<object>;

function describeChannel(channel: ChannelRecord, access: ProjectAccess) {
  return {
    id: channel.id,
    project_id: channel.projectId,
    name: channel.name,
    kind: channel.kind,
    ...(canManageAlerts(access) ? { config: channel.config } : {}),
    created_at: channel.createdAt,
  };
}

export async function listChannels(actor: AlertActor, projectId: unknown) {
  const access = await projectAccess(actor, projectId);
  const channels = await getPrisma().alertChannel.findMany({
    where: { organizationId: access.organizationId, projectId: access.projectId },
    orderBy: { createdAt: "asc" },
  });
  return { channels: channels.map((channel) => describeChannel(channel, access)) };
}

/** Refuses a webhook or Slack URL on the server's own network, as a bad `url` (lib/net/outbound.ts). */
async function assertDestination(url: string | undefined): Promise<void> {
  if (url === undefined) return;
  try {
    await assertPublicDestination(url);
  } catch (error) {
    if (!(error instanceof OutboundDestinationError)) throw error;
    throw new ApiError("invalid_request", "This URL points inside Lumen's own network", [
      { path: "url", message: error.message },
    ]);
  }
}

const newSecret = () => randomBytes(32).toString("hex");

export async function createChannel(actor: AlertActor, body: unknown) {
  const input = alertChannelCreateSchema.parse(body);
  const access = await projectAccess(actor, input.project_id);
  assertCanManageAlerts(access);
  await assertDestination("url" in input ? input.url : undefined);
  const config =
    input.kind === "webhook" || input.kind === "slack"
      ? { url: input.url }
      : input.kind === "email"
        ? { to: input.to }
        : {};
  const secret = input.kind === "webhook" ? newSecret() : null;
  const channel = await getPrisma().alertChannel.create({
    data: {
      organizationId: access.organizationId,
      projectId: access.projectId,
      name: input.name,
      kind: input.kind,
      config,
      secret,
    },
  });
  // The only time the secret leaves the server: the receiver needs it to verify signatures.
  return { ...describeChannel(channel, access), ...(secret ? { secret } : {}) };
}

const missingChannel = () => new ApiError("not_found", "No such alert channel");

async function managedChannel(
  actor: AlertActor,
  id: string,
): Promise<{ channel: ChannelRecord; access: ProjectAccess }> {
  if (!isUuid(id)) throw missingChannel();
  const channel = await getPrisma().alertChannel.findUnique({ where: { id } });
  if (!channel) throw missingChannel();
  const access = await projectAccess(actor, channel.projectId).catch((error: unknown) => {
    throw error instanceof ApiError && error.code === "not_found" ? missingChannel() : error;
  });
  assertCanManageAlerts(access);
  return { channel, access };
}

/** Renames a channel, changes where it sends, or rotates a webhook's secret (answered once, like at creation). */
export async function updateChannel(actor: AlertActor, id: string, body: unknown) {
  const { channel, access } = await managedChannel(actor, id);
  const update = alertChannelUpdateSchema.parse(body);
  const misplaced = (
    [
      ["url", channel.kind === "webhook" || channel.kind === "slack"],
      ["to", channel.kind === "email"],
      ["rotate_secret", channel.kind === "webhook"],
    ] as const
  ).filter(([field, fits]) => update[field] !== undefined && !fits);
  if (misplaced.length > 0)
    throw new ApiError(
      "invalid_request",
      `A ${channel.kind} channel has no such setting`,
      misplaced.map(([field]) => ({ path: field, message: `not a setting of a ${channel.kind} channel` })),
    );
  await assertDestination(update.url);
  const secret = update.rotate_secret ? newSecret() : undefined;
  const updated = await getPrisma().alertChannel.update({
    where: { id: channel.id },
    data: {
      name: update.name,
      config: update.url ? { url: update.url } : update.to ? { to: update.to } : undefined,
      secret,
    },
  });
  return { ...describeChannel(updated, access), ...(secret ? { secret } : {}) };
}

export async function deleteChannel(actor: AlertActor, id: string): Promise<void> {
  const { channel } = await managedChannel(actor, id);
  const prisma = getPrisma();
  await prisma.$transaction([
    prisma.$executeRaw`UPDATE alert_rules SET channel_ids = array_remove(channel_ids, ${channel.id}::uuid) WHERE organization_id = ${channel.organizationId}::uuid AND project_id = ${channel.projectId}::uuid`,
    prisma.alertChannel.delete({ where: { id: channel.id } }),
  ]);
}

/** Sends a test notification now and answers how it went. */
export async function testChannel(actor: AlertActor, id: string) {
  const { channel } = await managedChannel(actor, id);
  const now = alertNow();
  const payload: AlertPayload = {
    rule: { id: channel.id, name: `Test of ${channel.name}`, project_id: channel.projectId },
    state: "firing",
    at: now.toISOString(),
    value: 42,
    condition: { type: "threshold", op: "above", value: 10 },
    threshold: 10,
    op: "above",
    window: {
      from: new Date(now.getTime() - 5 * 60_000).toISOString(),
      to: now.toISOString(),
      label: "last 5 minutes",
    },
    link: alertLink(channel.projectId, channel.id),
    test: true,
  };
  const result = await sendTest(
    {
      id: channel.id,
      organizationId: channel.organizationId,
      projectId: channel.projectId,
      name: channel.name,
      kind: channel.kind,
      config: channel.config,
      secret: channel.secret,
    },
    payload,
  );
  return { ok: result.ok, status_code: result.statusCode ?? null, error: result.error ?? null };
}

const IN_APP_LIMIT = 100;

/** The in-app list: what in-app channels of the project received, newest first. */
export async function listInAppNotifications(actor: AlertActor, projectId: unknown) {
  const access = await projectAccess(actor, projectId);
  const rows = await getPrisma().alertNotification.findMany({
    where: { organizationId: access.organizationId, projectId: access.projectId, channel: { kind: "in_app" } },
    orderBy: { createdAt: "desc" },
    take: IN_APP_LIMIT,
  });
  return {
    notifications: rows.map((row) => {
      const payload = row.payload as AlertPayload;
      return {
        id: row.id,
        rule: payload.rule,
        state: payload.state,
        value: payload.value,
        at: payload.at,
        window: payload.window,
        link: payload.link,
        test: payload.test,
        created_at: row.createdAt,
      };
    }),
  };
}
