// A page that loads /lumen.js the way a customer's site would, with the write key from the URL
// (/tracker-demo?key=...). Other query parameters named like the script's data- settings are passed
// on to it, so the browser tests can try each mode; ?modules=forms,errors adds those opt-in modules
// (lumen-forms.js...). Any path under /tracker-demo renders it, so
// single-page navigations (pushState) land on real URLs that also survive a reload.
import type { Metadata } from "next";
import { SpaNavigation } from "../spa-navigation";

export const metadata: Metadata = { title: "Tracker demo" };

const SETTINGS = [
  "host",
  "consent",
  "respect-dnt",
  "exclude",
  "pageviews",
  "sessions",
  "clicks",
  "outbound",
  "downloads",
  "scroll",
];

type Props = {
  params: Promise<{ slug?: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function TrackerDemoPage({ params, searchParams }: Props) {
  const { slug = [] } = await params;
  const query = await searchParams;
  const key = typeof query.key === "string" ? query.key : "";
  const settings = SETTINGS.filter((name) => typeof query[name] === "string").map((name) => [
    name,
    query[name] as string,
  ]);
  const modules = typeof query.modules === "string" ? query.modules.split(",").filter((m) => /^[a-z]+$/.test(m)) : [];
  // Links keep the key and settings, so every page of the demo is tracked the same way.
  const keep = `?${new URLSearchParams([["key", key], ...settings, ...(modules.length ? [["modules", modules.join(",")]] : [])]).toString()}`;
  const dataAttributes = Object.fromEntries(settings.map(([name, value]) => [`data-${name}`, value]));

  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-6 py-12">
      <script defer src="/lumen.js" data-key={key} {...dataAttributes} />
      {modules.map((name) => (
        <script key={name} defer src={`/lumen-${name}.js`} />
      ))}
      <h1 className="text-3xl font-semibold">Tracker demo</h1>
      {!key && <p className="text-red-600">Add ?key=YOUR_WRITE_KEY to the URL to send events.</p>}
      <p className="text-slate-600 dark:text-slate-300">
        Page <code>/{["tracker-demo", ...slug].join("/")}</code> as first loaded. Everything you do here is sent to
        Lumen by lumen.js.
      </p>

      <SpaNavigation query={keep} />

      <section aria-labelledby="actions" className="flex flex-wrap items-center gap-3">
        <h2 id="actions" className="w-full font-medium">
          Tracked actions
        </h2>
        <button
          type="button"
          className="rounded bg-slate-900 px-3 py-1 text-white"
          data-lumen-event="signup_click"
          data-lumen-prop-plan="pro"
          data-lumen-prop-source="hero"
        >
          Start free trial
        </button>
        <a className="underline" href={`/tracker-demo/docs${keep}`}>
          Docs (page load)
        </a>
        <a className="underline" href="https://example.com/partners?ref=lumen&utm_source=demo">
          Our partners (outbound)
        </a>
        <a className="underline" href="/tracker-demo/report.csv">
          Download the report (CSV)
        </a>
      </section>

      <form id="newsletter" action="/tracker-demo/thanks" className="flex gap-2">
        <input type="hidden" name="key" value={key} />
        <label>
          Newsletter <input name="email" type="email" placeholder="you@example.com" className="rounded border px-2" />
        </label>
        <button type="submit" className="rounded border px-3">
          Subscribe
        </button>
      </form>

      <section aria-labelledby="long-read" className="flex flex-col gap-4">
        <h2 id="long-read" className="font-medium">
          A long read, for scroll depth
        </h2>
        {Array.from({ length: 40 }, (_, i) => (
          <p key={i} className="text-slate-600 dark:text-slate-300">
            Paragraph {i + 1}. Lumen records how far down the page a visitor got, and sends it when they leave the page.
          </p>
        ))}
      </section>
    </main>
  );
}
