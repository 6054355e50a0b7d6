import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createLiveRefresh } from "./live-refresh";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function setUp() {
  const rounds: { resolve: () => void; startedAt: number }[] = [];
  let visible = true;
  const live = createLiveRefresh({
    refresh: () => new Promise<void>((resolve) => rounds.push({ resolve, startedAt: Date.now() })),
    isVisible: () => visible,
    minIntervalMs: 1_000,
  });
  return { live, rounds, setVisible: (value: boolean) => (visible = value) };
}

it("refreshes at once after a quiet spell, then once per second however many changes arrive", async () => {
  const { live, rounds } = setUp();
  const start = Date.now();
  live.changed();
  await vi.advanceTimersByTimeAsync(0);
  expect(rounds).toHaveLength(1);
  rounds[0]!.resolve();

  for (let i = 0; i < 20; i++) {
    live.changed();
    await vi.advanceTimersByTimeAsync(50);
  }
  // A second's worth of changes: one more round, a second after the first.
  expect(rounds).toHaveLength(2);
  expect(rounds[1]!.startedAt - start).toBe(1_000);
  rounds[1]!.resolve();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(rounds).toHaveLength(2);
  live.stop();
});

it("never starts a round while one is running, and follows a slow round with one more if data changed meanwhile", async () => {
  const { live, rounds } = setUp();
  live.changed();
  await vi.advanceTimersByTimeAsync(0);
  live.changed();
  live.changed();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(rounds).toHaveLength(1);
  rounds[0]!.resolve();
  await vi.advanceTimersByTimeAsync(0);
  expect(rounds).toHaveLength(2);
  rounds[1]!.resolve();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(rounds).toHaveLength(2);
  live.stop();
});

it("waits while the page is hidden and catches up once when it is shown", async () => {
  const { live, rounds, setVisible } = setUp();
  setVisible(false);
  live.changed();
  live.changed();
  await vi.advanceTimersByTimeAsync(10_000);
  expect(rounds).toHaveLength(0);
  setVisible(true);
  live.resume();
  await vi.advanceTimersByTimeAsync(0);
  expect(rounds).toHaveLength(1);
  rounds[0]!.resolve();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(rounds).toHaveLength(1);

  live.changed();
  live.stop();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(rounds).toHaveLength(1);
});
