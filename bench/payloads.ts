// Realistic ingestion payloads for the benchmark: browser sessions arriving from search, social and
// campaigns, viewing pages, clicking, searching, buying. Each batch is what a tracker (or an edge
// collector) would send in one request: events from a few sessions of one browser, with that
// browser's user agent in the request header. Every event has a fresh UUID, so nothing is a duplicate.
import { randomBytes, randomUUID } from "node:crypto";

export interface BenchEvent {
  event_id: string;
  name: string;
  timestamp: string;
  user_id?: string;
  anonymous_id: string;
  session_id: string;
  properties: Record<string, unknown>;
  context: {
    page: { url: string; path: string; title: string; referrer?: string };
    screen: { width: number; height: number };
    locale: string;
    timezone: string;
    library: { name: string; version: string };
  };
}

export interface BenchBatch {
  /** Sent as the request's User-Agent header: the server parses it into browser, os and device_type. */
  userAgent: string;
  events: BenchEvent[];
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function weighted<T>(options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  let roll = Math.random() * total;
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return options[options.length - 1]![0];
}

// Current browsers on desktop, phone and tablet; none of them is flagged as a bot by isbot.
const agents: readonly (readonly [{ ua: string; screen: [number, number] }, number])[] = [
  [
    {
      ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
      screen: [1920, 1080],
    },
    30,
  ],
  [
    {
      ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
      screen: [1512, 982],
    },
    14,
  ],
  [
    {
      ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15",
      screen: [1440, 900],
    },
    10,
  ],
  [{ ua: "Mozilla/5.0 (X11; Linux x86_64; rv:144.0) Gecko/20100101 Firefox/144.0", screen: [2560, 1440] }, 6],
  [
    {
      ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
      screen: [1366, 768],
    },
    6,
  ],
  [
    {
      ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
      screen: [393, 852],
    },
    18,
  ],
  [
    {
      ua: "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36",
      screen: [412, 915],
    },
    12,
  ],
  [
    {
      ua: "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
      screen: [820, 1180],
    },
    4,
  ],
];

const places: readonly (readonly [[string, string], number])[] = [
  [["en-US", "America/New_York"], 20],
  [["en-US", "America/Los_Angeles"], 14],
  [["en-GB", "Europe/London"], 9],
  [["de-DE", "Europe/Berlin"], 10],
  [["fr-FR", "Europe/Paris"], 9],
  [["en-IN", "Asia/Kolkata"], 8],
  [["pt-BR", "America/Sao_Paulo"], 6],
  [["ja-JP", "Asia/Tokyo"], 5],
  [["nl-NL", "Europe/Amsterdam"], 4],
  [["es-ES", "Europe/Madrid"], 4],
];

type Source = {
  referrer?: string;
  utm?: { source: string; medium: string; campaign: string; term?: string; content?: string };
};
const sources: readonly (readonly [Source, number])[] = [
  [{}, 30],
  [{ referrer: "https://www.google.com/" }, 28],
  [{ referrer: "https://news.ycombinator.com/item?id=45123456" }, 6],
  [{ referrer: "https://github.com/lumen-analytics/lumen" }, 7],
  [{ referrer: "https://t.co/xk2P9aQz", utm: { source: "twitter", medium: "social", campaign: "launch" } }, 8],
  [
    {
      referrer: "https://www.linkedin.com/",
      utm: { source: "linkedin", medium: "social", campaign: "launch", content: "carousel-2" },
    },
    5,
  ],
  [{ utm: { source: "newsletter", medium: "email", campaign: "november", content: "hero-button" } }, 9],
  [{ referrer: "https://duckduckgo.com/" }, 4],
  [
    {
      referrer: "https://www.google.com/",
      utm: { source: "google", medium: "cpc", campaign: "brand", term: "embedded analytics" },
    },
    3,
  ],
];

const pages: readonly (readonly [[string, string], number])[] = [
  [["/", "Acme — dashboards your customers love"], 24],
  [["/pricing", "Pricing · Acme"], 12],
  [["/docs", "Docs · Acme"], 10],
  [["/docs/getting-started", "Getting started · Acme Docs"], 7],
  [["/docs/api/events", "Events API · Acme Docs"], 5],
  [["/blog", "Blog · Acme"], 6],
  [["/blog/2026/11/why-we-moved-to-postgres", "Why we moved to PostgreSQL · Acme Blog"], 5],
  [["/customers", "Customers · Acme"], 4],
  [["/features/embeds", "Embeds · Acme"], 6],
  [["/signup", "Create your account · Acme"], 6],
  [["/checkout", "Checkout · Acme"], 3],
  [["/app/reports", "Reports · Acme"], 8],
  [["/app/settings/billing", "Billing · Acme"], 2],
];

const products = [
  { sku: "PLAN-STARTER-M", name: "Starter (monthly)", price: 29 },
  { sku: "PLAN-PRO-M", name: "Pro (monthly)", price: 99 },
  { sku: "PLAN-PRO-Y", name: "Pro (yearly)", price: 990 },
  { sku: "ADDON-SEATS-5", name: "5 extra seats", price: 45 },
  { sku: "ADDON-SSO", name: "SSO add-on", price: 150 },
] as const;

const searches = ["funnel", "retention cohort", "embed react", "api key", "timezone", "csv export", "sso", "webhooks"];
const buttons = [
  ["cta-start-trial", "Start free trial"],
  ["cta-book-demo", "Book a demo"],
  ["nav-docs", "Docs"],
  ["nav-pricing", "Pricing"],
  ["copy-snippet", "Copy"],
  ["pricing-toggle-yearly", "Yearly"],
] as const;

function properties(name: string, path: string): Record<string, unknown> {
  switch (name) {
    case "page_view":
      return { page_type: path.split("/")[1] || "home", load_time_ms: 200 + Math.floor(Math.random() * 1800) };
    case "click": {
      const [id, text] = pick(buttons);
      return { element_id: id, text, position: pick(["header", "hero", "footer", "sidebar"]) };
    }
    case "scroll_depth":
      return { percent: pick([25, 50, 75, 100]) };
    case "search":
      return { query: pick(searches), results: Math.floor(Math.random() * 40) };
    case "signup":
      return {
        plan: pick(["free", "starter", "pro"]),
        method: pick(["email", "google", "github"]),
        team_size: pick(["1", "2-10", "11-50", "51+"]),
      };
    case "add_to_cart": {
      const p = pick(products);
      return { sku: p.sku, product: p.name, price: p.price, currency: "USD", quantity: 1 };
    }
    case "purchase": {
      const items = [pick(products), ...(Math.random() < 0.3 ? [pick(products)] : [])];
      return {
        order_id: `ord_${randomBytes(6).toString("hex")}`,
        revenue: items.reduce((sum, p) => sum + p.price, 0),
        currency: "USD",
        coupon: Math.random() < 0.2 ? "LAUNCH20" : null,
        items: items.map((p) => ({ sku: p.sku, name: p.name, price: p.price, quantity: 1 })),
      };
    }
    default:
      return {
        form_id: pick(["contact", "newsletter", "demo-request"]),
        fields: 3 + Math.floor(Math.random() * 5),
        valid: Math.random() < 0.92,
      };
  }
}

const names: readonly (readonly [string, number])[] = [
  ["page_view", 52],
  ["click", 16],
  ["scroll_depth", 9],
  ["search", 5],
  ["form_submit", 5],
  ["add_to_cart", 6],
  ["signup", 4],
  ["purchase", 3],
];

const SITE = "https://www.acme-analytics.example";

/** One request's worth of events, timestamped within the last few minutes before `now`. */
export function generateBatch(size: number, now: number = Date.now()): BenchBatch {
  const agent = weighted(agents);
  const sessionCount = Math.max(1, Math.round(size / 12));
  const sessions = Array.from({ length: sessionCount }, () => {
    const [locale, timezone] = weighted(places);
    const source = weighted(sources);
    return {
      anonymousId: `anon_${randomBytes(8).toString("hex")}`,
      sessionId: `s_${randomBytes(6).toString("hex")}`,
      userId: Math.random() < 0.3 ? `user_${Math.floor(Math.random() * 50_000)}` : undefined,
      locale,
      timezone,
      source,
      previous: null as string | null,
    };
  });
  const events: BenchEvent[] = [];
  for (let i = 0; i < size; i++) {
    const session = sessions[i % sessionCount]!;
    const [path, title] = weighted(pages);
    const name = weighted(names);
    // The landing page carries the campaign and the external referrer; later pages are referred by the site itself.
    const landing = session.previous === null;
    const query =
      landing && session.source.utm
        ? `?${new URLSearchParams(Object.entries(session.source.utm).map(([k, v]) => [`utm_${k}`, v]))}`
        : "";
    const referrer = landing ? session.source.referrer : `${SITE}${session.previous}`;
    session.previous = path;
    events.push({
      event_id: randomUUID(),
      name,
      timestamp: new Date(now - Math.floor(Math.random() * 300_000)).toISOString(),
      ...(session.userId ? { user_id: session.userId } : {}),
      anonymous_id: session.anonymousId,
      session_id: session.sessionId,
      properties: properties(name, path),
      context: {
        page: { url: `${SITE}${path}${query}`, path, title, ...(referrer ? { referrer } : {}) },
        screen: { width: agent.screen[0], height: agent.screen[1] },
        locale: session.locale,
        timezone: session.timezone,
        library: { name: "lumen-js", version: "1.4.2" },
      },
    });
  }
  return { userAgent: agent.ua, events };
}
