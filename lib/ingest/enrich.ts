// Derives the columns reports group by from an event's context and the request's user agent.
import { UAParser } from "ua-parser-js";
import { isbot } from "isbot";
import type { EventContext } from "./schemas";

export interface ContextColumns {
  path: string | null;
  title: string | null;
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  locale: string | null;
  appVersion: string | null;
  library: string | null;
}

function parseUrl(value: string | undefined): URL | null {
  if (!value) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function hostOf(url: URL | null): string | null {
  return url ? url.hostname.toLowerCase().replace(/^www\./, "") : null;
}

const utmKeys = ["source", "medium", "campaign", "term", "content"] as const;

/**
 * Crawlers and headless browsers that run a page's scripts present browser-like ("Mozilla/...")
 * agents. Other agents (curl, server SDKs, native apps' HTTP stacks) are deliberate senders of
 * server-side events, so they are not treated as bots even though isbot lists some of them.
 */
export function isBotUserAgent(userAgent: string | null | undefined): boolean {
  return !!userAgent && userAgent.startsWith("Mozilla/") && isbot(userAgent);
}

interface ParsedAgent {
  browser: string | null;
  os: string | null;
  deviceType: string | null;
}

const agentCache = new Map<string, ParsedAgent>();

function parseUserAgent(userAgent: string): ParsedAgent {
  const cached = agentCache.get(userAgent);
  if (cached) return cached;
  const parsed = new UAParser(userAgent).getResult();
  const agent: ParsedAgent = {
    browser: parsed.browser.name ?? null,
    os: parsed.os.name ?? null,
    // ua-parser leaves desktops untyped.
    deviceType: parsed.device.type ?? (parsed.os.name ? "desktop" : null),
  };
  if (agentCache.size > 5_000) agentCache.clear();
  agentCache.set(userAgent, agent);
  return agent;
}

/** Empty strings become NULL, so "no value" has one representation (rollups rely on it). */
function blankAsNull(columns: ContextColumns): ContextColumns {
  return Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v === "" ? null : v])) as unknown as ContextColumns;
}

export function extractContextColumns(context: EventContext | undefined, userAgent: string | null): ContextColumns {
  return blankAsNull(contextColumns(context, userAgent));
}

function contextColumns(context: EventContext | undefined, userAgent: string | null): ContextColumns {
  const pageUrl = parseUrl(context?.page?.url);
  const referrer = parseUrl(context?.page?.referrer);
  const pageHost = hostOf(pageUrl);
  const referrerHost = hostOf(referrer);
  const utm = Object.fromEntries(utmKeys.map((k) => [k, context?.utm?.[k] || pageUrl?.searchParams.get(`utm_${k}`) || null]));
  const agent = userAgent ? parseUserAgent(userAgent) : null;
  const library = context?.library ? [context.library.name, context.library.version].filter(Boolean).join("/") : null;
  return {
    path: (context?.page?.path ?? pageUrl?.pathname ?? null)?.slice(0, 1024) ?? null,
    title: context?.page?.title ?? null,
    // Moving between a site's own pages is not a referral.
    referrerHost: referrerHost && referrerHost !== pageHost ? referrerHost : null,
    utmSource: utm.source ?? null,
    utmMedium: utm.medium ?? null,
    utmCampaign: utm.campaign ?? null,
    utmTerm: utm.term ?? null,
    utmContent: utm.content ?? null,
    browser: agent?.browser ?? null,
    os: context?.os?.name ?? agent?.os ?? null,
    deviceType: context?.device?.type ?? agent?.deviceType ?? null,
    locale: context?.locale ?? null,
    appVersion: context?.app?.version ?? null,
    library,
  };
}
