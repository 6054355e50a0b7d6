// Shown when a project has no events yet: how to start sending them. `origin` is Lumen's as the
// visitor reached it (https behind a TLS proxy: lib/api/request-origin.ts).
import { trackerSnippet } from "@/lib/install/snippet";

export function TrackerSnippet({ origin, projectId }: { origin: string; projectId: string }) {
  const snippet = trackerSnippet({ host: origin, writeKey: "YOUR_WRITE_KEY" });
  return (
    <section
      aria-labelledby="no-data-heading"
      className="rounded-lg border border-dashed border-slate-300 p-6 dark:border-slate-700"
    >
      <h2 id="no-data-heading" className="text-lg font-medium">
        No events yet
      </h2>
      <p className="mt-1 text-slate-600 dark:text-slate-300">
        Add the tracker to your site, or send events to the API:{" "}
        <a
          className="text-indigo-700 underline dark:text-indigo-300"
          href={`/projects/${projectId}/settings#install-heading`}
        >
          Settings → Install and verify
        </a>{" "}
        has the snippets with a write key, and shows when the first event arrives.
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-100 p-3 text-sm dark:bg-slate-900">{snippet}</pre>
    </section>
  );
}
