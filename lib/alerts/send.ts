// Sends one notification to one channel, once: the outbox (outbox.ts) decides about retries.
// Webhooks get the payload as JSON, signed; Slack an incoming-webhook message; email goes through
// SMTP (nodemailer, configured by LUMEN_SMTP_URL and LUMEN_SMTP_FROM); in-app needs no sending.
import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "../env";
import { postOutbound } from "../net/outbound";
import { type AlertPayload, describeComparison, summarize } from "./payload";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from "./signature";

/** A receiver that takes longer than this is counted as failed (and retried later). */
const SEND_TIMEOUT_MS = 10_000;

export interface ChannelTarget {
  kind: "webhook" | "slack" | "email" | "in_app";
  config: unknown;
  secret: string | null;
}

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
}

function configUrl(config: unknown): string {
  return String((config as { url?: unknown }).url);
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
  try {
    const { status } = await postOutbound(
      url,
      body,
      { "content-type": "application/json", "user-agent": "Lumen-Alerts/1", ...headers },
      SEND_TIMEOUT_MS,
    );
    return status >= 200 && status < 300
      ? { ok: true, statusCode: status }
      : { ok: false, statusCode: status, error: `The receiver answered ${status}` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function slackMessage(payload: AlertPayload): string {
  const title = summarize(payload);
  return JSON.stringify({
    text: title,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${title}*\n<${payload.link}|Open the alert in Lumen>` } },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: `${payload.window.from} to ${payload.window.to} · ${describeComparison(payload)}` },
        ],
      },
    ],
  });
}

const globalForMail = globalThis as unknown as { lumenMailer?: { url: string; transporter: Transporter } };

function mailer(): Transporter {
  const url = getEnv().LUMEN_SMTP_URL;
  if (!url) throw new Error("Email is not configured: set LUMEN_SMTP_URL (smtp://user:password@host:587)");
  if (globalForMail.lumenMailer?.url !== url) {
    globalForMail.lumenMailer = { url, transporter: nodemailer.createTransport(url) };
  }
  return globalForMail.lumenMailer.transporter;
}

async function sendEmail(to: string[], payload: AlertPayload): Promise<SendResult> {
  try {
    await mailer().sendMail({
      from: getEnv().LUMEN_SMTP_FROM,
      to,
      subject: summarize(payload),
      text: [
        summarize(payload),
        "",
        `Value: ${payload.value ?? "no value"}`,
        `Compared with: ${describeComparison(payload)}`,
        `Window: ${payload.window.label} (${payload.window.from} to ${payload.window.to})`,
        "",
        payload.link,
      ].join("\n"),
      headers: payload.id ? { "X-Lumen-Notification": payload.id } : {},
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function sendToChannel(
  channel: ChannelTarget,
  payload: AlertPayload,
  now = new Date(),
): Promise<SendResult> {
  switch (channel.kind) {
    case "webhook": {
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(now.getTime() / 1000));
      return post(configUrl(channel.config), body, {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signPayload(channel.secret ?? "", timestamp, body),
        ...(payload.id ? { [IDEMPOTENCY_HEADER]: payload.id } : {}),
      });
    }
    case "slack":
      return post(configUrl(channel.config), slackMessage(payload), {});
    case "email":
      return sendEmail(((channel.config as { to?: string[] }).to ?? []).map(String), payload);
    case "in_app":
      return { ok: true };
  }
}
