// Derives the columns reports group by from an event's context and the request's user agent.

import { isbot } from "isbot";
import { UAParser } from "ua-parser-js";
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
  return !!userAgent && userAgent.startsWith("Mozilla/") && parseUserAgent(userAgent).bot;
}

interface ParsedAgent {
  bot: boolean;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
}

// A batch's events share their sender's agent, and a site's visitors use a few hundred distinct
// ones: parsing each once saves a large regular expression and a parser run per event.
const agentCache = new Map<string, ParsedAgent>();

function parseUserAgent(userAgent: string): ParsedAgent {
  const cached = agentCache.get(userAgent);
  if (cached) return cached;
  const parsed = new UAParser(userAgent).getResult();
  const agent: ParsedAgent = {
    bot: isbot(userAgent),
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
function text(value: string | null | undefined): string | null {
  return value ? value : null;
}

export function extractContextColumns(context: EventContext | undefined, userAgent: string | null): ContextColumns {
  const pageUrl = parseUrl(context?.page?.url);
  const referrer = parseUrl(context?.page?.referrer);
  const pageHost = hostOf(pageUrl);
  const referrerHost = hostOf(referrer);
  const utm = Object.fromEntries(
    utmKeys.map((k) => [k, context?.utm?.[k] || pageUrl?.searchParams.get(`utm_${k}`) || null]),
  ) as Partial<Record<(typeof utmKeys)[number], string | null>>;
  const agent = userAgent ? parseUserAgent(userAgent) : null;
  const library = context?.library ? [context.library.name, context.library.version].filter(Boolean).join("/") : null;
  return {
    path: text((context?.page?.path ?? pageUrl?.pathname)?.slice(0, 1024)),
    title: text(context?.page?.title),
    // Moving between a site's own pages is not a referral.
    referrerHost: referrerHost && referrerHost !== pageHost ? referrerHost : null,
    utmSource: text(utm.source),
    utmMedium: text(utm.medium),
    utmCampaign: text(utm.campaign),
    utmTerm: text(utm.term),
    utmContent: text(utm.content),
    browser: text(agent?.browser),
    os: text(context?.os?.name ?? agent?.os),
    deviceType: text(context?.device?.type ?? agent?.deviceType),
    locale: text(context?.locale),
    appVersion: text(context?.app?.version),
    library: text(library),
  };
}
