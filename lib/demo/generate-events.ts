// A deterministic, realistic event history for the demo workspace: visitors arriving from search,
// social and campaigns on several devices, browsing pages, some signing up and buying, and a share
// of them coming back over the following weeks. The same seed always yields the same events (and
// event ids), so loading it twice stores nothing new.
import { createHash } from "node:crypto";
import { eventRow } from "../ingest/event-row";
import type { EventRow } from "../ingest/write-events";

const DAY_MS = 86_400_000;

function seededRandom(seed: string): () => number {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(random: () => number, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return options[options.length - 1]![0];
}

function deterministicUuid(seed: string, n: number): string {
  const h = createHash("sha256").update(`${seed}:${n}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Source = { referrerHost: string | null; utm: [string, string, string] | null };
const sources: (readonly [Source, number])[] = [
  [{ referrerHost: null, utm: null }, 30],
  [{ referrerHost: "google.com", utm: null }, 28],
  [{ referrerHost: "news.ycombinator.com", utm: null }, 6],
  [{ referrerHost: "github.com", utm: null }, 7],
  [{ referrerHost: "t.co", utm: ["twitter", "social", "launch"] }, 8],
  [{ referrerHost: "linkedin.com", utm: ["linkedin", "social", "launch"] }, 5],
  [{ referrerHost: null, utm: ["newsletter", "email", "november"] }, 9],
  [{ referrerHost: "duckduckgo.com", utm: null }, 4],
  [{ referrerHost: null, utm: ["google", "cpc", "brand"] }, 3],
];

type Device = { browser: string; os: string; deviceType: string };
const devices: (readonly [Device, number])[] = [
  [{ browser: "Chrome", os: "Windows", deviceType: "desktop" }, 30],
  [{ browser: "Chrome", os: "Mac OS", deviceType: "desktop" }, 14],
  [{ browser: "Safari", os: "Mac OS", deviceType: "desktop" }, 10],
  [{ browser: "Firefox", os: "Linux", deviceType: "desktop" }, 6],
  [{ browser: "Edge", os: "Windows", deviceType: "desktop" }, 6],
  [{ browser: "Mobile Safari", os: "iOS", deviceType: "mobile" }, 18],
  [{ browser: "Chrome", os: "Android", deviceType: "mobile" }, 12],
  [{ browser: "Mobile Safari", os: "iOS", deviceType: "tablet" }, 4],
];

const places: (readonly [[string, string], number])[] = [
  [["US", "en-US"], 34],
  [["GB", "en-GB"], 9],
  [["DE", "de-DE"], 10],
  [["FR", "fr-FR"], 9],
  [["IN", "en-IN"], 8],
  [["BR", "pt-BR"], 6],
  [["JP", "ja-JP"], 5],
  [["CA", "en-CA"], 5],
  [["NL", "nl-NL"], 4],
  [["ES", "es-ES"], 4],
];

const pages: (readonly [[string, string], number])[] = [
  [["/", "Lumen — embedded analytics"], 30],
  [["/pricing", "Pricing"], 14],
  [["/docs", "Docs"], 12],
  [["/docs/tracker", "Docs · Tracker"], 7],
  [["/docs/embeds", "Docs · Embeds"], 6],
  [["/blog", "Blog"], 8],
  [["/blog/postgres-at-scale", "Postgres at scale"], 6],
  [["/blog/privacy-first", "Privacy first"], 5],
  [["/features", "Features"], 8],
  [["/about", "About"], 4],
];

export interface DemoOptions {
  seed: string;
  events: number;
  days: number;
  now: Date;
}

/** Yields chunks of events, oldest visitors first, until `events` have been produced. */
export function* generateDemoEvents(options: DemoOptions, chunkSize = 5000): Generator<EventRow[]> {
  const random = seededRandom(options.seed);
  const start = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS - (options.days - 1) * DAY_MS;
  let produced = 0;
  let visitor = 0;
  let chunk: EventRow[] = [];

  const emit = (row: Omit<Parameters<typeof eventRow>[0], "eventId">): boolean => {
    chunk.push(eventRow({ ...row, eventId: deterministicUuid(options.seed, produced) }));
    produced++;
    return produced >= options.events;
  };

  while (produced < options.events) {
    visitor++;
    const anonymousId = `demo-${visitor}`;
    const device = weighted(random, devices);
    const [country, locale] = weighted(random, places);
    // Visitors stay anonymous (the reports' actor is user_id, else anonymous_id, and Lumen does not
    // merge the two yet), so a visitor's journey, signup and purchase included, keeps one actor.
    let signedUp = false;
    let day = Math.floor(random() * options.days);
    let returnChance = 0.45;
    let done = false;
    for (let session = 0; !done && day < options.days; session++) {
      const source = session === 0 ? weighted(random, sources) : weighted(random, sources.slice(0, 2));
      const sessionId = `s-${visitor}-${session}`;
      let at = start + day * DAY_MS + Math.floor(random() * DAY_MS);
      if (at > options.now.getTime()) break;
      const base = { anonymousId, sessionId, ...device, country, locale, library: "lumen-js/demo" };
      const views = 1 + Math.floor(random() ** 2 * 7);
      let sawPricing = false;
      for (let v = 0; !done && v < views; v++) {
        const [path, title] =
          v === 0 && session === 0 && random() < 0.5 ? ["/", "Lumen — embedded analytics"] : weighted(random, pages);
        sawPricing ||= path === "/pricing";
        const first = v === 0;
        done = emit({
          ...base,
          name: "pageview",
          timestamp: new Date(at),
          path,
          title,
          referrerHost: first ? source.referrerHost : null,
          utmSource: first ? (source.utm?.[0] ?? null) : null,
          utmMedium: first ? (source.utm?.[1] ?? null) : null,
          utmCampaign: first ? (source.utm?.[2] ?? null) : null,
        });
        at += 5_000 + Math.floor(random() * 110_000);
      }
      if (!done && !signedUp && sawPricing && random() < 0.35) {
        signedUp = true;
        const plan = weighted(random, [
          ["starter", 5],
          ["pro", 3],
          ["business", 1],
        ] as const);
        done = emit({
          ...base,
          name: "signup",
          timestamp: new Date(at),
          properties: { plan, method: random() < 0.6 ? "email" : "google", account_id: `user-${visitor}` },
          path: "/signup",
          title: "Sign up",
        });
        at += 30_000 + Math.floor(random() * 600_000);
        if (!done && random() < 0.4) {
          const amount = { starter: 9, pro: 29, business: 99 }[plan];
          done = emit({
            ...base,
            name: "purchase",
            timestamp: new Date(at),
            properties: { plan, amount, currency: "USD" },
            path: "/checkout",
            title: "Checkout",
          });
        }
      }
      if (!done && random() < 0.15) {
        done = emit({
          ...base,
          name: "cta_click",
          timestamp: new Date(at),
          properties: { label: "Start free", location: "hero" },
          path: "/",
          title: null,
        });
      }
      if (random() > returnChance) break;
      returnChance *= 0.85;
      day += 1 + Math.floor(random() * 9);
    }
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}
