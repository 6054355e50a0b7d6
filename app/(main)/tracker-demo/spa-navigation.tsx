"use client";
// Single-page-app navigation through the History API, the way client-side routers change the URL.
import { usePathname } from "next/navigation";

export function SpaNavigation({ query }: { query: string }) {
  const pathname = usePathname();
  const push = (path: string) => history.pushState(null, "", path + query);
  return (
    <nav aria-label="Single-page navigation" className="flex flex-wrap items-center gap-3">
      <span>
        Now at <code data-testid="current-path">{pathname}</code>
      </span>
      <button type="button" className="rounded border px-3" onClick={() => push("/tracker-demo/pricing")}>
        Pricing (pushState)
      </button>
      <button
        type="button"
        className="rounded border px-3"
        onClick={() => history.replaceState(null, "", `/tracker-demo/pricing/annual${query}`)}
      >
        Annual billing (replaceState)
      </button>
      <button type="button" className="rounded border px-3" onClick={() => push("/tracker-demo/private/settings")}>
        Private settings (pushState)
      </button>
      <button type="button" className="rounded border px-3" onClick={() => history.back()}>
        Back
      </button>
    </nav>
  );
}
