// A rule's states: ok -> firing -> resolved (-> firing again). Pure, so the clock is the caller's:
// the minimum duration and the cooldown are measured between evaluation instants, never read here.
import type { AlertState } from "./schemas";

export interface RuleStatus {
  state: AlertState;
  stateChangedAt: Date | null;
  breachingSince: Date | null;
}

export interface RuleTiming {
  minDurationSeconds: number;
  cooldownSeconds: number;
}

export interface Step {
  status: RuleStatus;
  /** The notifying change this evaluation made, if any. */
  transition: "firing" | "resolved" | null;
}

export function stepRule(current: RuleStatus, breaching: boolean, at: Date, timing: RuleTiming): Step {
  if (!breaching) {
    const status = { ...current, breachingSince: null };
    if (current.state !== "firing") return { status, transition: null };
    return { status: { ...status, state: "resolved", stateChangedAt: at }, transition: "resolved" };
  }
  if (current.state === "firing") return { status: current, transition: null };
  const since = current.breachingSince ?? at;
  const heldLongEnough = at.getTime() - since.getTime() >= timing.minDurationSeconds * 1000;
  const coolingDown =
    current.state === "resolved" &&
    current.stateChangedAt !== null &&
    at.getTime() - current.stateChangedAt.getTime() < timing.cooldownSeconds * 1000;
  if (!heldLongEnough || coolingDown) return { status: { ...current, breachingSince: since }, transition: null };
  return { status: { state: "firing", stateChangedAt: at, breachingSince: since }, transition: "firing" };
}
