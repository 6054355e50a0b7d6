// Alerts end to end, against real receivers started here (an HTTP server for the webhook and Slack,
// an SMTP server for email) and app processes of this file's own that evaluate (the shared test app
// leaves evaluation to them: scripts/test.ts). Events are ingested over HTTP; the alert clock
// (lib/alerts/clock.ts) is moved forward to let a rolling window pass instead of waiting for it.
// "Nothing more was sent" is shown by an evaluation after the fact and an empty outbox.
import { afterAll, beforeAll, expect, it } from "vitest";
import { HttpReceiver, SmtpReceiver } from "../../testing/alert-receivers";
import { type AppServer, startAppServer, waitFor } from "../../testing/app-server";
import { createTenant, postEvents, type Tenant } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool } from "../db/client";
import { verifySignature } from "./signature";

const WAIT_MS = 90_000;

let http: HttpReceiver;
let smtp: SmtpReceiver;
let servers: AppServer[] = [];

function settings(): Record<string, string> {
  return { LUMEN_ALERTS: "true", LUMEN_SMTP_URL: smtp.url, LUMEN_SMTP_FROM: "Lumen <alerts@lumen.test>" };
}

beforeAll(async () => {
  [http, smtp] = await Promise.all([HttpReceiver.start(), SmtpReceiver.start()]);
  // Two processes: evaluation runs in one of them at a time, and either may send.
  servers = await Promise.all([startAppServer(settings()), startAppServer(settings())]);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all([http.stop(), smtp.stop()]);
  await closeDatabase();
});

interface Workspace {
  tenant: Tenant;
  key: string;
}

async function workspace(): Promise<Workspace> {
  const tenant = await createTenant();
  const { key } = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "alerts" });
  return { tenant, key };
}

async function api<T>(server: AppServer, ws: Workspace, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Moves every running server's alert clock to `offsetMs` ahead of the real one. */
async function setClock(offsetMs: number): Promise<void> {
  for (const server of servers.filter((s) => s.running)) {
    const response = await fetch(`${server.baseUrl}/api/v1/alerts/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ offset_ms: offsetMs }),
    });
    expect(response.status).toBe(200);
  }
}

function live(): AppServer {
  const server = servers.find((s) => s.running);
  if (!server) throw new Error("no app server running");
  return server;
}

async function spike(tenant: Tenant, count: number): Promise<number> {
  const sentAt = Date.now();
  const response = await postEvents(
    { events: Array.from({ length: count }, () => ({ name: "error" })) },
    { key: tenant.writeKey },
  );
  expect(response.status).toBe(202);
  return sentAt;
}

interface History {
  evaluations: { at: string; value: number | null; breaching: boolean; state: string }[];
  transitions: { seq: number; state: string; at: string; muted: boolean }[];
  notifications: { status: string; state: string; channel: { kind: string } }[];
}

const history = (ws: Workspace, ruleId: string) => api<History>(live(), ws, "GET", `/api/v1/alerts/${ruleId}/history`);

/** An evaluation at or after `since` (by the alert clock) has `value`, and the outbox holds nothing unsent. */
async function settledAfter(ws: Workspace, ruleId: string, since: number, value: number): Promise<History> {
  let last: History | undefined;
  await waitFor(
    `an evaluation of ${value} after ${new Date(since).toISOString()} and an empty outbox`,
    async () => {
      last = await history(ws, ruleId);
      return (
        last.evaluations.some((e) => Date.parse(e.at) >= since && e.value === value) &&
        last.notifications.every((n) => n.status !== "pending")
      );
    },
    WAIT_MS,
    200,
  );
  return last as History;
}

/** Just after the rule resolved, by the alert clock: an evaluation from then on shows what followed. */
async function resolvedAt(ws: Workspace, ruleId: string): Promise<number> {
  const resolved = (await history(ws, ruleId)).transitions.find((t) => t.state === "resolved");
  if (!resolved) throw new Error("not resolved");
  return Date.parse(resolved.at) + 1;
}

function webhooksFor(ruleId: string, path = "/hook") {
  return http.on(path).filter((r) => (r.json as { rule?: { id?: string } }).rule?.id === ruleId);
}

function slackFor(ruleName: string) {
  return http.on("/slack").filter((r) => JSON.stringify(r.json).includes(ruleName));
}

function mailsFor(ruleName: string) {
  return smtp.mails.filter((m) => m.raw.includes(ruleName));
}

async function channels(ws: Workspace) {
  const create = (body: Record<string, unknown>) =>
    api<{ id: string; secret?: string }>(live(), ws, "POST", "/api/v1/alerts/channels", {
      project_id: ws.tenant.projectId,
      ...body,
    });
  const webhook = await create({ name: "Hook", kind: "webhook", url: `${http.url}/hook` });
  const slack = await create({ name: "Slack", kind: "slack", url: `${http.url}/slack` });
  const email = await create({ name: "Ops mail", kind: "email", to: ["ops@example.com"] });
  const inApp = await create({ name: "In app", kind: "in_app" });
  return { webhook, slack, email, inApp, ids: [webhook.id, slack.id, email.id, inApp.id] };
}

/**
 * Creates a short-window rule and waits for its first evaluation: by then the evaluating process
 * watches its project, so a spike is evaluated as it is ingested (not only at the next minute).
 */
async function createRule(ws: Workspace, name: string, channelIds: string[], extra: Record<string, unknown> = {}) {
  const rule = await api<{ id: string }>(live(), ws, "POST", "/api/v1/alerts", {
    project_id: ws.tenant.projectId,
    name,
    query: { kind: "trend", event: "error", measure: { type: "count" }, interval: "hour" },
    window: { minutes: 5 },
    condition: { type: "threshold", op: "above", value: 10 },
    channel_ids: channelIds,
    ...extra,
  });
  await waitFor(
    "the rule's first evaluation",
    async () =>
      (await api<{ last_evaluated_at: string | null }>(live(), ws, "GET", `/api/v1/alerts/${rule.id}`))
        .last_evaluated_at !== null,
    WAIT_MS,
    100,
  );
  return rule;
}

async function inAppStates(ws: Workspace, ruleId: string): Promise<string[]> {
  const { notifications } = await api<{ notifications: { rule: { id: string }; state: string }[] }>(
    live(),
    ws,
    "GET",
    `/api/v1/alerts/notifications?project_id=${ws.tenant.projectId}`,
  );
  return notifications.filter((n) => n.rule.id === ruleId).map((n) => n.state);
}

it(
  "fires once per channel on a spike, sends nothing more while firing, and one resolved on recovery",
  async () => {
    const ws = await workspace();
    const { webhook, ids } = await channels(ws);
    const name = `Spike ${ws.tenant.projectId.slice(0, 8)}`;
    const rule = await createRule(ws, name, ids);
    await spike(ws.tenant, 20);

    await waitFor(
      "the firing on every channel",
      async () =>
        webhooksFor(rule.id).length > 0 &&
        slackFor(name).length > 0 &&
        mailsFor(name).length > 0 &&
        (await inAppStates(ws, rule.id)).length > 0,
      WAIT_MS,
      200,
    );
    const [fired] = webhooksFor(rule.id);
    const headers = fired?.headers ?? {};
    expect(
      verifySignature(
        webhook.secret ?? "",
        String(headers["x-lumen-timestamp"]),
        fired?.body ?? "",
        String(headers["x-lumen-signature"]),
      ),
    ).toBe(true);
    expect(
      verifySignature(
        "another secret",
        String(headers["x-lumen-timestamp"]),
        fired?.body ?? "",
        String(headers["x-lumen-signature"]),
      ),
    ).toBe(false);
    expect(fired?.json).toMatchObject({
      rule: { id: rule.id, name },
      state: "firing",
      value: 20,
      threshold: 10,
      op: "above",
      window: { label: "last 5 minutes" },
      link: expect.stringContaining(`/projects/${ws.tenant.projectId}/alerts?rule=${rule.id}`),
    });
    expect(headers["idempotency-key"]).toBe((fired?.json as { id?: string } | undefined)?.id);
    expect(mailsFor(name)[0]?.to).toEqual(["ops@example.com"]);

    // Still above the threshold: evaluated again, nothing sent again.
    const more = await spike(ws.tenant, 5);
    await settledAfter(ws, rule.id, more, 25);
    expect([webhooksFor(rule.id).length, slackFor(name).length, mailsFor(name).length]).toEqual([1, 1, 1]);
    expect(await inAppStates(ws, rule.id)).toEqual(["firing"]);

    // Ten minutes on, the 5-minute window holds none of the spike: resolved, once per channel.
    await setClock(10 * 60_000);
    const resolvedOnAll = async () =>
      webhooksFor(rule.id).length === 2 &&
      slackFor(name).length === 2 &&
      mailsFor(name).length === 2 &&
      (await inAppStates(ws, rule.id)).length === 2;
    await waitFor("the resolved on every channel", resolvedOnAll, WAIT_MS, 200);
    expect(webhooksFor(rule.id).map((r) => (r.json as { state: string }).state)).toEqual(["firing", "resolved"]);
    expect(slackFor(name)[1]?.json).toMatchObject({ text: expect.stringContaining("[RESOLVED]") });
    // Evaluated again after resolving (the catch-up's next minute, or the next minute): still one of each.
    const { transitions } = await settledAfter(ws, rule.id, await resolvedAt(ws, rule.id), 0);
    expect(transitions.map((t) => t.state)).toEqual(["resolved", "firing"]);
    expect(await resolvedOnAll()).toBe(true);
    await api(live(), ws, "PATCH", `/api/v1/alerts/${rule.id}`, { enabled: false });
    await setClock(0);
  },
  WAIT_MS * 4,
);

it(
  "records but sends nothing while a rule is muted",
  async () => {
    const ws = await workspace();
    const { ids } = await channels(ws);
    const name = `Muted ${ws.tenant.projectId.slice(0, 8)}`;
    const rule = await createRule(ws, name, ids, { muted_until: new Date(Date.now() + 3_600_000).toISOString() });
    const sentAt = await spike(ws.tenant, 20);
    const settled = await settledAfter(ws, rule.id, sentAt - 1000, 20);
    expect(settled.transitions).toEqual([expect.objectContaining({ state: "firing", muted: true })]);
    expect(settled.notifications).toEqual([]);
    expect([webhooksFor(rule.id).length, slackFor(name).length, mailsFor(name).length]).toEqual([0, 0, 0]);
    expect(await inAppStates(ws, rule.id)).toEqual([]);
    await api(live(), ws, "PATCH", `/api/v1/alerts/${rule.id}`, { enabled: false });
  },
  WAIT_MS * 2,
);

it(
  "sends no duplicate when the app restarts while a rule is firing, and resolves once afterwards",
  async () => {
    const ws = await workspace();
    const { ids } = await channels(ws);
    const name = `Restart ${ws.tenant.projectId.slice(0, 8)}`;
    const rule = await createRule(ws, name, ids.slice(0, 1));
    await spike(ws.tenant, 20);
    // The firing is received and recorded as delivered before the kill: a kill between the
    // receiver's answer and that record is a crash mid-send, which resends with the same
    // Idempotency-Key (at least once, by design) and is not what this test is about.
    await waitFor(
      "the firing, delivered",
      async () => {
        if (webhooksFor(rule.id).length === 0) return false;
        const { rows } = await getPool().query<{ open: number }>(
          "SELECT count(*)::int AS open FROM alert_notifications WHERE rule_id = $1 AND status <> 'delivered'",
          [rule.id],
        );
        return rows[0]?.open === 0;
      },
      WAIT_MS,
      200,
    );

    // Every app process dies at once (no clean shutdown), and a new one starts on the same database.
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    const stoppedAt = Date.now();
    await spike(ws.tenant, 5);
    servers = [await startAppServer(settings())];
    // The new process takes the lapsed lease, catches up and evaluates the rule again: still firing.
    await waitFor(
      "an evaluation by the new process",
      async () => {
        const { evaluations } = await history(ws, rule.id);
        return evaluations.some((e) => Date.parse(e.at) > stoppedAt && e.value === 25 && e.state === "firing");
      },
      WAIT_MS,
      200,
    );
    const { rows } = await getPool().query<{ pending: number }>(
      "SELECT count(*)::int AS pending FROM alert_notifications WHERE rule_id = $1 AND status = 'pending'",
      [rule.id],
    );
    expect(rows[0]?.pending).toBe(0);
    expect(webhooksFor(rule.id)).toHaveLength(1);

    await setClock(10 * 60_000);
    await waitFor("the resolved", () => webhooksFor(rule.id).length === 2, WAIT_MS, 200);
    await settledAfter(ws, rule.id, await resolvedAt(ws, rule.id), 0);
    expect(webhooksFor(rule.id).map((r) => (r.json as { state: string }).state)).toEqual(["firing", "resolved"]);
  },
  WAIT_MS * 4,
);

it(
  "sends a test to every kind of channel: a signed webhook, a Slack message, an email and an in-app entry",
  async () => {
    const ws = await workspace();
    const { webhook, slack, email, inApp } = await channels(ws);
    for (const channel of [webhook, slack, email, inApp])
      expect(await api(live(), ws, "POST", `/api/v1/alerts/channels/${channel.id}/test`)).toMatchObject({
        ok: true,
        error: null,
      });

    // A test names its channel where a rule's id would be, in the payload and in the link.
    const [hook] = http.on("/hook").filter((r) => (r.json as { rule?: { id?: string } }).rule?.id === webhook.id);
    expect(hook?.json).toMatchObject({ test: true, state: "firing", rule: { name: "Test of Hook" } });
    const headers = hook?.headers ?? {};
    expect(
      verifySignature(
        webhook.secret ?? "",
        String(headers["x-lumen-timestamp"]),
        hook?.body ?? "",
        String(headers["x-lumen-signature"]),
      ),
    ).toBe(true);
    const [message] = http.on("/slack").filter((r) => r.body.includes(slack.id));
    expect(message?.json).toMatchObject({ text: expect.stringContaining("Test of Slack") });
    await waitFor("the test email", () => smtp.mails.some((m) => m.raw.includes(email.id)), WAIT_MS, 50);
    const mail = smtp.mails.find((m) => m.raw.includes(email.id));
    expect(mail?.to).toEqual(["ops@example.com"]);
    expect(mail?.raw).toContain("Test of Ops mail");
    const { notifications } = await api<{ notifications: { rule: { id: string }; test?: boolean }[] }>(
      live(),
      ws,
      "GET",
      `/api/v1/alerts/notifications?project_id=${ws.tenant.projectId}`,
    );
    expect(notifications).toEqual([
      expect.objectContaining({ rule: expect.objectContaining({ id: inApp.id }), test: true }),
    ]);
  },
  WAIT_MS * 2,
);

interface Delivery {
  state: string;
  status: string;
  attempts: { at: string; ok: boolean; status_code: number | null; error: string | null }[];
  next_attempt_at: string | null;
  /** Set when a failed attempt has been settled (its retry scheduled): the attempt is logged just before. */
  last_error: string | null;
}

const deliveries = async (ws: Workspace, ruleId: string) =>
  (await api<{ notifications: Delivery[] }>(live(), ws, "GET", `/api/v1/alerts/${ruleId}/history`)).notifications;

it(
  "retries a failed delivery with backoff, logging every attempt, and gives up 24 h after the notification",
  async () => {
    // The test before leaves the alert clock ten minutes ahead: the spike must fall in the rule's window.
    await setClock(0);
    const ws = await workspace();
    const flaky = await api<{ id: string }>(live(), ws, "POST", "/api/v1/alerts/channels", {
      project_id: ws.tenant.projectId,
      name: "Flaky",
      kind: "webhook",
      url: `${http.url}/flaky`,
    });
    http.failing.set("/flaky", 503);
    const rule = await createRule(ws, `Flaky ${ws.tenant.projectId.slice(0, 8)}`, [flaky.id]);
    await spike(ws.tenant, 20);

    // The first send fails: kept for a retry 15-30 s later (the first backoff step), the attempt logged.
    let firing: Delivery | undefined;
    let seenAt = 0;
    await waitFor(
      "a failed first attempt",
      async () => {
        [firing] = await deliveries(ws, rule.id);
        seenAt = Date.now();
        return firing?.attempts.length === 1 && firing.last_error !== null;
      },
      WAIT_MS,
      200,
    );
    expect(firing).toMatchObject({ state: "firing", status: "pending" });
    expect(firing?.attempts).toEqual([
      expect.objectContaining({ ok: false, status_code: 503, error: "The receiver answered 503" }),
    ]);
    // The retry was scheduled when the failure was settled: after the attempt was logged, and before
    // this test saw it (however long a busy server took in between, or this test to look).
    const nextAttempt = Date.parse(firing?.next_attempt_at ?? "");
    expect(nextAttempt - Date.parse(firing?.attempts[0]?.at ?? "")).toBeGreaterThanOrEqual(15_000);
    expect(nextAttempt - seenAt).toBeLessThanOrEqual(30_000);

    // The receiver is back; the retry is made due now instead of waiting: delivered, with the same key.
    http.failing.delete("/flaky");
    await getPool().query(
      "UPDATE alert_notifications SET next_attempt_at = now() WHERE rule_id = $1 AND status = 'pending'",
      [rule.id],
    );
    await waitFor(
      "the retry, delivered",
      async () => (await deliveries(ws, rule.id))[0]?.status === "delivered",
      WAIT_MS,
      200,
    );
    expect((await deliveries(ws, rule.id))[0]?.attempts.map((a) => a.ok)).toEqual([false, true]);
    const sends = webhooksFor(rule.id, "/flaky");
    expect(sends).toHaveLength(2);
    expect(sends[1]?.headers["idempotency-key"]).toBe(sends[0]?.headers["idempotency-key"]);

    // The resolved fails too, and was made more than 24 h ago (as far as the outbox knows): no more retries.
    http.failing.set("/flaky", 503);
    await setClock(10 * 60_000);
    await waitFor(
      "a failed resolved",
      async () =>
        (await deliveries(ws, rule.id)).some(
          (d) => d.state === "resolved" && d.attempts.length === 1 && d.last_error !== null,
        ),
      WAIT_MS,
      200,
    );
    await getPool().query(
      "UPDATE alert_notifications SET created_at = now() - interval '24 hours', next_attempt_at = now() WHERE rule_id = $1 AND status = 'pending'",
      [rule.id],
    );
    await waitFor(
      "the resolved given up",
      async () => (await deliveries(ws, rule.id)).some((d) => d.state === "resolved" && d.status === "failed"),
      WAIT_MS,
      200,
    );
    const resolved = (await deliveries(ws, rule.id)).find((d) => d.state === "resolved");
    expect(resolved?.attempts.map((a) => a.ok)).toEqual([false, false]);
    expect(resolved?.next_attempt_at).toBeNull();
    http.failing.delete("/flaky");
    await api(live(), ws, "PATCH", `/api/v1/alerts/${rule.id}`, { enabled: false });
    await setClock(0);
  },
  WAIT_MS * 4,
);
