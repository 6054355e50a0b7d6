// lumen-errors.js: uncaught JavaScript errors and unhandled promise rejections, as js_error events
// {kind, message, source, stack, top_frame}. The server groups them by fingerprint (the normalised
// message and the top frame: lib/query/errors.ts). Query strings, fragments and emails are scrubbed
// first (scrubErrorText); at most MAX_PER_PAGE are sent per page (a page load, or a single-page
// navigation to another path), so an error in a loop cannot flood the queue, and the pages an app
// goes to after one still report theirs.
import { scrubErrorText } from "../privacy";
import { send } from "./send";

const MAX_PER_PAGE = 10;
const MAX_FRAMES = 5;
let count = 0;
let page = "";

/** `message` is the event's (an error event's says "Uncaught Error: ..."): an Error's own message is preferred. */
function report(kind: string, error: unknown, message: string, source?: string): void {
  if (location.pathname != page) {
    page = location.pathname;
    count = 0;
  }
  if (count++ >= MAX_PER_PAGE) return;
  if (error instanceof Error) message = error.message;
  // Stack lines with a position are frames (V8 "at f (url:1:2)", Gecko and WebKit "f@url:1:2").
  const frames = String((error as Error | undefined)?.stack || "")
    .split("\n")
    .filter((line) => /:\d+:\d+\)?$/.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => scrubErrorText(line.trim().replace(/^at /, "")));
  send("js_error", {
    kind,
    message: scrubErrorText(String(message)).slice(0, 500),
    source: source && scrubErrorText(source),
    stack: frames.join("\n"),
    top_frame: frames[0] || (source && scrubErrorText(source)) || "",
  });
}

addEventListener("error", (event) =>
  report("error", event.error, event.message, event.filename && `${event.filename}:${event.lineno}:${event.colno}`),
);
addEventListener("unhandledrejection", ({ reason }) => report("unhandledrejection", reason, String(reason)));
