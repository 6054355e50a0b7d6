// Automatic events: pageviews (single-page apps included), tagged clicks, outbound links, downloads,
// and the scroll depth and engagement (page_leave) of a page when it is left. Form submissions are
// the opt-in module modules/forms.ts (lumen-forms.js).
import { enabled } from "./config";
import { countEngagement, leavePage, measureScroll } from "./page";
import { cleanUrl } from "./privacy";
import { flush } from "./queue";
import { currentPage, enterPage, track } from "./track";
import type { Properties } from "./types";

// Files by extension; links with a download attribute count whatever their file type.
const DOWNLOAD = /\.(pdf|zip|csv|xlsx?|docx?)$/i;

/** Called on load and on every history change; `manual` is lumen.page(), which always records a pageview. */
export function navigate(manual?: boolean): void {
  const url = cleanUrl(location.href);
  const moved = url != currentPage?.url;
  if (moved) {
    if (currentPage) leavePage();
    enterPage(url);
  }
  if (manual || (moved && enabled("pageviews"))) track("pageview");
}

function onClick(event: MouseEvent): void {
  const target = event.target as Element;
  const tagged = enabled("clicks") && target.closest("[data-lumen-event]");
  if (tagged) {
    const properties: Properties = {};
    for (const { name, value } of tagged.attributes)
      if (name.startsWith("data-lumen-prop-")) properties[name.slice(16)] = value;
    track((tagged as HTMLElement).dataset.lumenEvent || "click", properties);
  }
  const link = target.closest("a[href]") as HTMLAnchorElement | null;
  const name =
    link &&
    (enabled("downloads") && (link.hasAttribute("download") || DOWNLOAD.test(link.pathname))
      ? "download"
      : enabled("outbound") && link.host && link.host != location.host && "outbound");
  if (name) track(name, { url: cleanUrl(link.href) });
}

export function startAutocapture(): void {
  addEventListener("click", onClick, true);
  addEventListener("scroll", measureScroll); // scroll listeners cannot block scrolling: passive anyway
  // Single-page apps: the router changes the URL through the History API, or the visitor goes back/forward.
  for (const method of ["pushState", "replaceState"] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
      original.apply(this, args);
      navigate();
    };
  }
  addEventListener("popstate", () => navigate());
  // visibilitychange bubbles from the document to the window.
  addEventListener("visibilitychange", () => {
    countEngagement();
    flush(); // hidden: the page may never come back
  });
  addEventListener("pagehide", () => {
    leavePage();
    flush();
  });
}
