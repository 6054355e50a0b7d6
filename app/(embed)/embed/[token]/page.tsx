// GET /embed/{token}: the report or widget rendered on the server with its locked parameters, then
// hydrated. Invalid, expired, revoked or foreign tokens get an error page, never data.
import type { Metadata } from "next";
import { EmbedBridge } from "@/components/embed/embed-bridge";
import { LiveWidgets } from "@/components/embed/live-widgets";
import { loadEmbedWidgets } from "@/lib/embed/embed-data";
import { EmbedTokenError, verifyEmbedToken } from "@/lib/embed/tokens";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Lumen embed", robots: { index: false } };

// Decided before first paint (no light-to-dark flash): the server sets light or dark; "auto" asks
// the viewer's system preference in an inline script that runs before the widgets paint.
const autoTheme = `try{if(matchMedia("(prefers-color-scheme: dark)").matches)document.getElementById("lumen-embed").classList.add("dark")}catch(e){}`;

function Shell({ mode, transparent = false, children }: { mode: "light" | "dark" | "auto"; transparent?: boolean; children: React.ReactNode }) {
  return (
    <div id="lumen-embed" data-theme={mode} className={mode === "dark" ? "dark" : undefined} style={{ colorScheme: mode === "auto" ? "light dark" : mode }} suppressHydrationWarning>
      {mode === "auto" && <script dangerouslySetInnerHTML={{ __html: autoTheme }} />}
      <div className={`min-h-screen text-slate-900 dark:text-slate-100 ${transparent ? "" : "bg-white dark:bg-slate-950"}`}>{children}</div>
    </div>
  );
}

export default async function EmbedPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const startedAt = Date.now();
  const { token } = await params;
  const query = await searchParams;
  let embed;
  try {
    embed = await verifyEmbedToken(token);
  } catch (error) {
    const message = error instanceof EmbedTokenError ? error.message : "This embed could not be loaded.";
    return (
      <Shell mode="auto">
        <main role="alert" data-testid="embed-error" className="flex min-h-40 items-center justify-center p-6 text-sm text-slate-600 dark:text-slate-300">
          {message}
        </main>
      </Shell>
    );
  }
  const requested = query.theme;
  const mode = requested === "light" || requested === "dark" || requested === "auto" ? requested : embed.theme.mode;
  const widgets = await loadEmbedWidgets(embed);
  const { bordered, titled, transparent, accent, font } = embed.theme;
  return (
    <Shell mode={mode} transparent={transparent}>
      <main className="grid gap-4 p-3" style={font ? { fontFamily: font } : undefined}>
        <LiveWidgets token={token} initial={widgets} bordered={bordered} titled={titled} accent={accent} />
      </main>
      <EmbedBridge startedAt={startedAt} />
    </Shell>
  );
}
