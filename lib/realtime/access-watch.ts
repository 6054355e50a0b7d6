// Open streams whose access can be withdrawn while they are open (an embed revoked, one token's jti
// revoked, a signing secret rotated): each registers the project it reads and a check that
// authorises it again. A change is announced with NOTIFY (notifyAccessChanged, after it commits),
// so every process hears it on the hub's LISTEN connection and re-runs the checks of that project's
// open streams, once per distinct key (viewers of one token share one check). After the connection
// (re)connects every check runs, since notices may have been missed meanwhile.
import { z } from "zod";
import { getPool } from "../db/client";
import { log } from "../log";
import { ACCESS_CHANNEL, getRealtimeHub, type RealtimeHub } from "./hub";

/** Where notices come from: the hub's LISTEN connection (a stand-in in unit tests). */
export type AccessNotices = Pick<RealtimeHub, "watchAccess">;

export const accessChangeSchema = z.object({
  project_id: z.guid(),
  /** Only streams of tokens with this jti are concerned; without it, every stream of the project. */
  jti: z.string().optional(),
});

export type AccessChange = z.infer<typeof accessChangeSchema>;

/** Announces a change to every process, this one included. Call it once the change is committed. */
export async function notifyAccessChanged(change: AccessChange): Promise<void> {
  await getPool().query("SELECT pg_notify($1, $2)", [ACCESS_CHANNEL, JSON.stringify(accessChangeSchema.parse(change))]);
}

export interface AccessCheck<T> {
  projectId: string;
  /** Registrations with the same key share one run of the check (e.g. viewers of the same token). */
  key: string;
  jti: string | null;
  /** Authorises again: resolves with the new grant, or rejects when access is gone. */
  check: () => Promise<T>;
}

export type AccessOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Watcher {
  check: AccessCheck<unknown>;
  onOutcome: (outcome: AccessOutcome<unknown>) => void;
  /** The notice the newest applied outcome answers: an older check finishing late is ignored. */
  applied: number;
}

export class AccessWatch {
  private readonly byProject = new Map<string, Set<Watcher>>();
  /** Counts notices (and reconnects): a stream authorised before a notice it could not hear is checked again. */
  private notices = 0;
  private listening = false;

  constructor(private readonly source: AccessNotices = getRealtimeHub()) {}

  /** Take this before a stream's first authorisation, and pass it to watch(). */
  mark(): number {
    return this.notices;
  }

  /**
   * Re-runs the check whenever access to its project may have changed, and at once if it may
   * have changed since `since` (taken with mark() before the first authorisation). Returns the
   * function that stops watching.
   */
  watch<T>(check: AccessCheck<T>, since: number, onOutcome: (outcome: AccessOutcome<T>) => void): () => void {
    if (!this.listening) {
      this.listening = true;
      this.source.watchAccess((payload) => this.hear(payload));
    }
    const watcher: Watcher = { check, onOutcome: onOutcome as Watcher["onOutcome"], applied: since };
    let watchers = this.byProject.get(check.projectId);
    if (!watchers) {
      watchers = new Set();
      this.byProject.set(check.projectId, watchers);
    }
    watchers.add(watcher);
    if (this.notices !== since) this.run([watcher]);
    return () => {
      watchers.delete(watcher);
      if (watchers.size === 0 && this.byProject.get(check.projectId) === watchers)
        this.byProject.delete(check.projectId);
    };
  }

  /** Open streams being watched, for tests and health figures. */
  size(): number {
    let size = 0;
    for (const watchers of this.byProject.values()) size += watchers.size;
    return size;
  }

  private hear(payload: string | null): void {
    this.notices++;
    if (payload === null) {
      this.run([...this.byProject.values()].flatMap((watchers) => [...watchers]));
      return;
    }
    let change: AccessChange;
    try {
      change = accessChangeSchema.parse(JSON.parse(payload));
    } catch {
      log.warn("unreadable access notice", { payload: payload.slice(0, 200) });
      return;
    }
    const watchers = [...(this.byProject.get(change.project_id) ?? [])];
    this.run(change.jti === undefined ? watchers : watchers.filter((w) => w.check.jti === change.jti));
  }

  private run(watchers: Watcher[]): void {
    const notice = this.notices;
    const runs = new Map<string, Promise<AccessOutcome<unknown>>>();
    for (const watcher of watchers) {
      const { key, check, projectId } = watcher.check;
      let outcome = runs.get(key);
      if (!outcome) {
        outcome = check().then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        runs.set(key, outcome);
      }
      void outcome.then((result) => {
        // Stopped watching meanwhile (the stream closed), or a newer check already answered.
        if (!this.byProject.get(projectId)?.has(watcher) || notice < watcher.applied) return;
        watcher.applied = notice;
        watcher.onOutcome(result);
      });
    }
  }
}

const globalForAccess = globalThis as unknown as { lumenAccessWatch?: AccessWatch };

export function getAccessWatch(): AccessWatch {
  globalForAccess.lumenAccessWatch ??= new AccessWatch();
  return globalForAccess.lumenAccessWatch;
}
