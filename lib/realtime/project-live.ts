// The analyst overview's realtime numbers for one project, pushed over the same hub as embeds: one
// feed per project, so every member watching it shares one computation per change. Each value also
// carries the project's data version, which changes when events are committed (a NOTIFY heard by
// the hub), not when the clock refreshes the numbers: dashboards refetch their queries when it
// changes (components/hooks/use-live-queries.ts).
import "server-only";
import { randomUUID } from "node:crypto";
import { ApiError } from "../errors";
import { runQuery } from "../query/run-query";
import { metricQuerySchema } from "../query/schemas";
import { getProjectForUser } from "../workspace/projects-for-user";
import type { Feed } from "./hub";
import type { ProjectLive } from "./schemas";
import { openFeedStream } from "./sse";

// Visitors drop out of the 5-minute window with no event to say so: refresh at the pace the
// overview used to poll at.
const REFRESH_MS = 30_000;
// A member removed from the organization stops receiving within this long: the client reconnects
// and is authorised again.
const MAX_STREAM_MS = 10 * 60_000;

const activeVisitors = metricQuerySchema.parse({ kind: "metric", measure: { type: "unique_users" }, compare: false });
const eventCount = metricQuerySchema.parse({ kind: "metric", measure: { type: "count" }, compare: false });

type LiveNumbers = Omit<ProjectLive, "data_version">;

/**
 * Adds the data version to a feed's computation: a new opaque token on each run caused by a change,
 * the same token on clock refreshes. A new feed (first viewer, or after a restart) starts with a
 * token of its own, so a viewer who reconnects refetches once: what changed meanwhile is unknown.
 */
export function withDataVersion(compute: () => Promise<LiveNumbers>): Feed<ProjectLive>["compute"] {
  let version: string | undefined;
  return async ({ changed }) => {
    if (changed || version === undefined) version = randomUUID();
    const dataVersion = version;
    return { ...(await compute()), data_version: dataVersion };
  };
}

async function computeProjectLive(organizationId: string, projectId: string): Promise<LiveNumbers> {
  const now = new Date();
  const scope = { organizationId, projectId, now };
  // The query engine's own definitions (unique users = user id, else anonymous id), so these agree
  // with the same metrics asked through the query API.
  const [visitors, events] = await Promise.all([
    runQuery({ ...scope, query: activeVisitors, range: { relative: "last_5_minutes" } }),
    runQuery({
      ...scope,
      query: eventCount,
      range: { from: new Date(now.getTime() - 60_000).toISOString(), to: now.toISOString() },
    }),
  ]);
  const value = (result: typeof visitors) => (result.data.kind === "metric" ? (result.data.value ?? 0) : 0);
  return { active_visitors: value(visitors), events_last_minute: value(events), computed_at: now.toISOString() };
}

export function projectLiveFeed(organizationId: string, projectId: string): Feed<ProjectLive> {
  return {
    key: JSON.stringify(["project-live", projectId]),
    projectId,
    refreshMs: REFRESH_MS,
    compute: withDataVersion(() => computeProjectLive(organizationId, projectId)),
  };
}

/** The stream for a member of the project's organization (any role); anyone else gets a 404. */
export async function openProjectLiveStream(
  userId: string,
  projectId: string,
  request: { signal: AbortSignal; lastEventId: string | null },
): Promise<ReadableStream<Uint8Array>> {
  const access = await getProjectForUser(userId, projectId);
  if (!access) throw new ApiError("not_found", "No such project");
  return openFeedStream(projectLiveFeed(access.project.organizationId, projectId), {
    ...request,
    maxAgeMs: MAX_STREAM_MS,
  });
}
