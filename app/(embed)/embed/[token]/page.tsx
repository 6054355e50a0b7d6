// GET /embed/{token}[?theme=…&range=…&filter.<dimension>=…]: the report or widget rendered on the
// server with its locked parameters (and the URL's choices, for what the embed makes editable; the
// rest of the URL is ignored), then hydrated. Invalid, expired, revoked or foreign tokens get an error
// page, never data; so does a choice set past the token's feed budget (lib/embed/feed-budget.ts).
// Headers: next.config.mjs (no-store, no-referrer) and proxy.ts (frame-ancestors).
import type { Metadata } from "next";
import type { Snapshot } from "@/components/embed/embed-api";
import { EmbedApp } from "@/components/embed/embed-app";
import { describeEmbed } from "@/lib/embed/describe";
import { loadEmbedSnapshot } from "@/lib/embed/embed-data";
import { chargeChoiceSet } from "@/lib/embed/feed-budget";
import { readEditableChoices } from "@/lib/embed/read-choices";
import { embedThemeSchema } from "@/lib/embed/schemas";
import { EmbedTokenError, verifyEmbedToken } from "@/lib/embed/tokens";
import { ApiError } from "@/lib/errors";
import { embedPrincipal, withQueryGate } from "@/lib/query/query-gate";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Lumen embed", robots: { index: false } };

// Decided before first paint (no light-to-dark flash): the server sets light or dark; "auto" asks
// the viewer's system preference in an inline script that runs before the widgets paint.
const autoTheme = `try{if(matchMedia("(prefers-color-scheme: dark)").matches)document.getElementById("lumen-embed").classList.add("dark")}catch(e){}`;

function Shell({
  mode,
  transparent = false,
  children,
}: {
  mode: "light" | "dark" | "auto";
  transparent?: boolean;
  children: React.ReactNode;
}) {
  return (
    <div
      id="lumen-embed"
      data-theme={mode}
      className={mode === "dark" ? "dark" : undefined}
      style={{ colorScheme: mode === "auto" ? "light dark" : mode }}
      suppressHydrationWarning
    >
      {mode === "auto" && (
        // biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours (no user data) that sets the theme before paint.
        <script dangerouslySetInnerHTML={{ __html: autoTheme }} />
      )}
      <div
        className={`min-h-screen text-slate-900 dark:text-slate-100 ${transparent ? "" : "bg-white dark:bg-slate-950"}`}
      >
        {children}
      </div>
    </div>
  );
}

function EmbedError({ mode, message }: { mode: "light" | "dark" | "auto"; message: string }) {
  return (
    <Shell mode={mode}>
      <main
        role="alert"
        data-testid="embed-error"
        className="flex min-h-40 items-center justify-center p-6 text-sm text-slate-600 dark:text-slate-300"
      >
        {message}
      </main>
    </Shell>
  );
}

type SearchParams = Record<string, string | string[] | undefined>;

function toSearchParams(query: SearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (typeof value === "string") params.set(key, value);
  return params;
}

export default async function EmbedPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { token } = await params;
  const query = toSearchParams(await searchParams);
  let embed: Awaited<ReturnType<typeof verifyEmbedToken>>;
  let choices: ReturnType<typeof readEditableChoices>;
  try {
    embed = await verifyEmbedToken(token);
    choices = readEditableChoices(query, embed.claims.editable);
    chargeChoiceSet(embed, choices);
  } catch (error) {
    const message =
      error instanceof EmbedTokenError || (error instanceof ApiError && error.code === "rate_limited")
        ? error.message
        : "This embed could not be loaded.";
    return <EmbedError mode="auto" message={message} />;
  }
  const requested = embedThemeSchema.shape.mode.unwrap().safeParse(query.get("theme"));
  const mode = requested.success ? requested.data : embed.theme.mode;
  let initial: Snapshot;
  try {
    initial = await withQueryGate(embedPrincipal(token), "embed", ({ gate }) =>
      loadEmbedSnapshot(embed, choices, gate),
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Too many of this token's page views at once: the page comes without data, and its live feed
    // (one computation for every viewer with the same choices) brings it.
    if (error.code === "rate_limited") initial = { version: null, widgets: [] };
    // Over budget or timed out: what the data endpoint would answer, said on the page.
    else return <EmbedError mode={mode} message={error.message} />;
  }
  const { bordered, titled, transparent, accent, font } = embed.theme;
  return (
    <Shell mode={mode} transparent={transparent}>
      <EmbedApp
        token={token}
        description={await describeEmbed(embed)}
        initialChoices={choices}
        initial={{ version: initial.version, widgets: initial.widgets }}
        mode={mode}
        allowedOrigins={embed.allowedOrigins}
        bordered={bordered}
        titled={titled}
        accent={accent}
        font={font}
      />
    </Shell>
  );
}
