"use client";
// Everything an embed does in the browser: its filter bar and widgets, kept live by the feed, and the
// host page's actions (set-theme, set-filter, refresh, set-token) with the events it reports back.
import { useCallback, useEffect, useRef, useState } from "react";
import {
  applyChoicesChange,
  type ChoicesChange,
  choicesKey,
  keepEditable,
  nonEditableFields,
} from "@/lib/embed/choices";
import type { EmbedDescription } from "@/lib/embed/describe";
import { choicesPayload, type HostAction, type ThemeMode } from "@/lib/embed/host-messages";
import type { ViewerChoices } from "@/lib/embed/schemas";
import { setLongTimeout } from "@/lib/long-timeout";
import { fetchDescription, type Snapshot } from "./embed-api";
import { FilterBar } from "./filter-bar";
import { useEmbedFeed } from "./use-embed-feed";
import { useHostBridge, useResizeReports } from "./use-host-bridge";
import { useThemeMode } from "./use-theme-mode";
import { WidgetList } from "./widget-list";

export interface EmbedAppProps {
  token: string;
  description: EmbedDescription;
  initialChoices: ViewerChoices;
  initial: Snapshot;
  mode: ThemeMode;
  allowedOrigins: string[];
  bordered: boolean;
  titled: boolean;
  accent?: string;
  font?: string;
}

export function EmbedApp(props: EmbedAppProps) {
  const [token, setToken] = useState(props.token);
  const [description, setDescription] = useState(props.description);
  const [choices, setChoicesState] = useState(props.initialChoices);
  const [expired, setExpiredState] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const setThemeMode = useThemeMode(props.mode);
  const root = useRef<HTMLDivElement>(null);
  // Host messages can arrive faster than renders: these read and write the latest values at once.
  const latest = useRef({ choices, expired });

  // The bridge calls these through a ref, so they always see the current state.
  const host = useRef<{ onAction(action: HostAction): void; onHello(): void }>({
    onAction: () => undefined,
    onHello: () => undefined,
  });
  const post = useHostBridge({
    allowedOrigins: props.allowedOrigins,
    onAction: (action) => host.current.onAction(action),
    onHello: () => host.current.onHello(),
  });

  const setExpired = useCallback(
    (value: boolean) => {
      if (value && !latest.current.expired) post({ type: "token-expired" });
      latest.current.expired = value;
      setExpiredState(value);
    },
    [post],
  );
  const markExpired = useCallback(() => setExpired(true), [setExpired]);

  const setChoices = useCallback(
    (next: ViewerChoices) => {
      if (choicesKey(next) === choicesKey(latest.current.choices)) return;
      latest.current.choices = next;
      setChoicesState(next);
      post({ type: "filter-changed", ...choicesPayload(next) });
    },
    [post],
  );
  const changeChoices = useCallback(
    (change: ChoicesChange) => {
      setChoices(applyChoicesChange(latest.current.choices, change));
      setProblem(null);
    },
    [setChoices],
  );

  const feed = useEmbedFeed({
    token,
    choices,
    initial: props.initial,
    enabled: !expired,
    onExpired: markExpired,
    onFailure: (failure) => {
      setProblem(failure.message);
      post({ type: "error", code: failure.code, message: failure.message });
    },
  });

  const renewToken = async (next: string) => {
    const answer = await fetchDescription(next);
    if (!answer.ok) return post({ type: "error", code: answer.code, message: answer.message, action: "set-token" });
    const { resource } = answer.value;
    if (resource.type !== description.resource.type || resource.id !== description.resource.id) {
      return post({
        type: "error",
        code: "wrong_resource",
        message: "The new token is for another report or widget",
        action: "set-token",
      });
    }
    // The viewer's choices carry over, minus any the new token no longer makes editable.
    setChoices(keepEditable(latest.current.choices, answer.value.editable));
    setDescription(answer.value);
    setToken(next);
    setExpired(false);
    setProblem(null);
  };

  const onHello = () =>
    post({
      type: "ready",
      editable: description.editable,
      downloads: description.downloads,
      ...choicesPayload(latest.current.choices),
    });
  const onAction = (action: HostAction) => {
    switch (action.type) {
      case "set-theme":
        return setThemeMode(action.mode);
      case "set-filter": {
        const refused = nonEditableFields(action, description.editable);
        if (refused.length)
          post({
            type: "error",
            code: "not_editable",
            message: `Not editable in this embed: ${refused.join(", ")}`,
            action: "set-filter",
            fields: refused,
          });
        const filters = Object.fromEntries(
          Object.entries(action.filters ?? {}).filter(([field]) => !refused.includes(field)),
        );
        return changeChoices({ ...(refused.includes("range") ? {} : { range: action.range }), filters });
      }
      case "refresh":
        return void feed
          .refresh()
          .then(
            (failure) =>
              failure &&
              !failure.expired &&
              post({ type: "error", code: failure.code, message: failure.message, action: "refresh" }),
          );
      case "set-token":
        return void renewToken(action.token);
    }
  };
  useEffect(() => {
    host.current = { onAction, onHello };
  });

  // The token's end, measured from the server's answer (so the two clocks need not agree).
  useEffect(() => {
    if (description.expires_in_ms === null || expired) return;
    return setLongTimeout(markExpired, description.expires_in_ms);
  }, [description, expired, markExpired]);

  useEffect(() => {
    post({
      type: "ready",
      editable: props.description.editable,
      downloads: props.description.downloads,
      ...choicesPayload(props.initialChoices),
    });
    // Time since navigation started: the server-rendered widgets are on screen and live from here.
    post({ type: "loaded", duration_ms: Math.round(performance.now()) });
  }, [post, props.description, props.initialChoices]);

  useResizeReports(root, post);

  return (
    <div ref={root} data-feed={feed.mode} style={props.font ? { fontFamily: props.font } : undefined}>
      {description.editable.length > 0 && (
        <FilterBar
          token={token}
          editable={description.editable}
          defaultRange={description.default_range}
          choices={choices}
          onChange={changeChoices}
        />
      )}
      {description.segment && (
        // Locked by the token: the viewer cannot change it, but should know whose numbers these are.
        <p data-testid="embed-segment" className="mx-3 mt-3 text-sm text-slate-600 dark:text-slate-300">
          Segment:{" "}
          <span className="font-medium text-slate-900 dark:text-slate-100">
            {description.segment.name ?? "no longer in this project"}
          </span>
        </p>
      )}
      {(expired || problem) && (
        <p
          role="status"
          data-testid="embed-notice"
          className="mx-3 mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
        >
          {expired ? "This embed link has expired." : problem}
        </p>
      )}
      {/* Until the viewer's new choice is answered, the widgets show the previous one's data: dimmed. */}
      <main
        className={`p-3 transition-opacity ${feed.loading ? "opacity-40 delay-150 duration-200" : ""}`}
        aria-busy={feed.loading}
        data-pending={feed.loading || undefined}
      >
        <WidgetList
          widgets={feed.widgets}
          layout={description.resource.type}
          token={token}
          choices={choices}
          downloads={description.downloads}
          bordered={props.bordered}
          titled={props.titled}
          accent={props.accent}
        />
      </main>
    </div>
  );
}
