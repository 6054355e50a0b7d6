"use client";
// Install and verify: the snippets that send this project's events (the browser tracker, the Node
// SDK, plain HTTP) with the project's write key when one was just made here (keys are shown once,
// so otherwise a placeholder), and a check that says whether an event has arrived and when. The
// check is live: the settings page follows the project's stream, which refetches it as events land.
import { useQuery } from "@tanstack/react-query";
import { projectQueriesKey } from "@/components/hooks/use-query-result";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormError } from "@/components/ui/form-error";
import { apiFetch } from "@/lib/api/client";
import { trackerSnippet } from "@/lib/install/snippet";
import type { InstallationStatus } from "@/lib/workspace/projects";
import { SettingsSection } from "./settings-section";

const KEY_PLACEHOLDER = "YOUR_WRITE_KEY";

export const installationKey = (projectId: string) => [...projectQueriesKey(projectId), "installation"] as const;

function nodeExample(host: string, key: string): string {
  return `// sdk/node from the Lumen repository (TypeScript, Node 20+)
import { Lumen } from "./lumen-sdk";

const lumen = new Lumen({ host: "${host}", writeKey: "${key}" });
lumen.track({ name: "signup", user_id: "u_42", properties: { plan: "pro" } });
await lumen.shutdown(); // sends what is queued before the process ends`;
}

function httpExample(host: string, key: string): string {
  return `curl -X POST ${host}/api/v1/events \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"name":"signup","user_id":"u_42","properties":{"plan":"pro"}}'`;
}

function Snippet({ title, code, children }: { title: string; code: string; children?: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1.5">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-medium">{title}</h3>
        <CopyButton value={code} size="sm" label="Copy" aria-label={`Copy the ${title} snippet`} />
      </div>
      {children}
      <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 text-xs text-slate-900 dark:bg-slate-950 dark:text-slate-100">
        <code>{code}</code>
      </pre>
    </div>
  );
}

function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86_400), "day");
}

function VerifyInstallation({ projectId }: { projectId: string }) {
  const status = useQuery({
    queryKey: installationKey(projectId),
    queryFn: () => apiFetch<InstallationStatus>(`/api/v1/projects/${projectId}/installation`),
    staleTime: 0,
  });
  const last = status.data?.last_event;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <p role="status" data-testid="installation-status" className="flex items-center gap-2 text-sm">
        <span
          aria-hidden="true"
          className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${
            last ? "bg-emerald-500" : status.data ? "bg-amber-500" : "bg-slate-400"
          }`}
        />
        {!status.data ? (
          "Checking for events…"
        ) : last ? (
          <span>
            Installed: events are arriving. Latest: <strong className="font-medium">{last.name}</strong>,{" "}
            <time dateTime={last.timestamp} title={new Date(last.timestamp).toLocaleString()}>
              {ago(last.timestamp)}
            </time>{" "}
            ({new Date(last.timestamp).toLocaleString()}).
          </span>
        ) : (
          "No events yet: waiting for the first one. This updates by itself when it arrives."
        )}
      </p>
      <Button size="sm" onClick={() => void status.refetch()} disabled={status.isFetching}>
        {status.isFetching ? "Checking…" : "Check now"}
      </Button>
      <FormError error={status.error} className="w-full" />
    </div>
  );
}

export function InstallSection({
  projectId,
  origin,
  writeKey,
  canCreateKey,
  creatingKey,
  createKeyError,
  onCreateKey,
}: {
  projectId: string;
  /** Lumen's origin as the visitor reached it (lib/api/request-origin.ts). */
  origin: string;
  /** A write key made on this page just now: the only time its clear text is known. */
  writeKey: string | null;
  canCreateKey: boolean;
  creatingKey: boolean;
  createKeyError: Error | null;
  onCreateKey: () => void;
}) {
  const host = new URL(origin).origin;
  const key = writeKey ?? KEY_PLACEHOLDER;
  return (
    <SettingsSection
      id="install"
      title="Install and verify"
      description={
        <p>
          Send events from your site or app with one of these, then check that they arrive. Each needs a <em>write</em>{" "}
          key of this project.
        </p>
      }
    >
      <VerifyInstallation projectId={projectId} />
      {writeKey ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50">
          The snippets hold your new write key. It is shown only this once: copy what you need now.
        </p>
      ) : (
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
          <p>
            Replace <code className="font-mono">{KEY_PLACEHOLDER}</code> with a write key: keys are shown only when
            made.
          </p>
          {canCreateKey ? (
            <Button size="sm" variant="primary" onClick={onCreateKey} disabled={creatingKey}>
              {creatingKey ? "Creating…" : "Create a write key for these snippets"}
            </Button>
          ) : (
            <p>Ask an owner or admin of the project for one.</p>
          )}
          <FormError error={createKeyError} className="w-full" />
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Snippet title="Website" code={trackerSnippet({ host, writeKey: key })}>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            In the <code>&lt;head&gt;</code> of every page: pageviews, sessions and clicks on{" "}
            <code>data-lumen-event</code> elements; <code>lumen.track(name, properties)</code> for your own events.
          </p>
        </Snippet>
        <Snippet title="Node.js" code={nodeExample(host, key)}>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Server-side events, batched and retried; <code>shutdown()</code> flushes the queue.
          </p>
        </Snippet>
        <Snippet title="HTTP API" code={httpExample(host, key)}>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Any language: one event, or up to 1,000 as <code>{"{ events: [...] }"}</code>.
          </p>
        </Snippet>
      </div>
    </SettingsSection>
  );
}
