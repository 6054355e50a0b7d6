// The data version on the project stream: new when events are committed, the same when only the
// clock refreshes the live numbers, so dashboards refetch exactly when the data changed.
import { expect, it } from "vitest";
import { RealtimeHub } from "./hub";
import { withDataVersion } from "./project-live";
import type { ProjectLive } from "./schemas";

it("changes the data version on a change of the project's data, not on a clock refresh", async () => {
  const hub = new RealtimeHub();
  let visitors = 0;
  const feed = {
    key: "project-live-p1",
    projectId: "p1",
    refreshMs: 30_000,
    compute: withDataVersion(async () => ({
      active_visitors: visitors++,
      events_last_minute: 0,
      computed_at: new Date().toISOString(),
    })),
  };
  const received: ProjectLive[] = [];
  hub.subscribe(feed, (value) => received.push(value));
  const first = await hub.current(feed);

  const start = Date.now();
  await hub.tick(start + 30_000);
  expect(received).toHaveLength(1);
  expect(received[0]!.active_visitors).not.toBe(first.active_visitors);
  expect(received[0]!.data_version).toBe(first.data_version);

  hub.markChanged("p2");
  await hub.tick(start + 31_000);
  expect(received).toHaveLength(1);

  hub.markChanged("p1");
  await hub.tick(start + 32_000);
  expect(received).toHaveLength(2);
  expect(received[1]!.data_version).not.toBe(first.data_version);

  // A feed started afresh (its last viewer had left) cannot know what changed meanwhile: a new version.
  const again = withDataVersion(async () => ({
    active_visitors: 0,
    events_last_minute: 0,
    computed_at: new Date().toISOString(),
  }));
  expect((await again({ changed: false })).data_version).not.toBe(received[1]!.data_version);
});
