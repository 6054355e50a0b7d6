// ok -> firing -> resolved, with the minimum duration and the cooldown measured between evaluation instants.
import { expect, it } from "vitest";
import { type RuleStatus, stepRule } from "./state-machine";

const t = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));
const ok: RuleStatus = { state: "ok", stateChangedAt: null, breachingSince: null };

it("fires on the first breach without a minimum duration, and resolves once", () => {
  const fired = stepRule(ok, true, t(0), { minDurationSeconds: 0, cooldownSeconds: 0 });
  expect(fired.transition).toBe("firing");
  expect(stepRule(fired.status, true, t(1), { minDurationSeconds: 0, cooldownSeconds: 0 }).transition).toBeNull();
  const resolved = stepRule(fired.status, false, t(2), { minDurationSeconds: 0, cooldownSeconds: 0 });
  expect(resolved).toEqual({
    status: { state: "resolved", stateChangedAt: t(2), breachingSince: null },
    transition: "resolved",
  });
  expect(stepRule(resolved.status, false, t(3), { minDurationSeconds: 0, cooldownSeconds: 0 }).transition).toBeNull();
});

it("waits for the minimum duration, and starts over when the breach stops", () => {
  const timing = { minDurationSeconds: 180, cooldownSeconds: 0 };
  const first = stepRule(ok, true, t(0), timing);
  expect(first.transition).toBeNull();
  expect(first.status.breachingSince).toEqual(t(0));
  expect(stepRule(first.status, true, t(2), timing).transition).toBeNull();
  const broken = stepRule(first.status, false, t(2), timing);
  expect(stepRule(broken.status, true, t(3), timing).transition).toBeNull();
  expect(stepRule(first.status, true, t(3), timing).transition).toBe("firing");
});

it("does not fire again within the cooldown after resolving", () => {
  const timing = { minDurationSeconds: 0, cooldownSeconds: 600 };
  const resolved: RuleStatus = { state: "resolved", stateChangedAt: t(0), breachingSince: null };
  expect(stepRule(resolved, true, t(5), timing).transition).toBeNull();
  expect(stepRule(resolved, true, t(10), timing).transition).toBe("firing");
});
