"use client";
// The embed's side of the host protocol (lib/embed/host-messages.ts). It posts to the parent window
// only: to each allowed origin when the embed names some (so nothing reaches another site framing it),
// else to any. It takes actions only from the parent window, and only from an allowed origin when
// there are some; anything else is ignored without a word.
import { useCallback, useEffect, useRef } from "react";
import { type EmbedMessage, type HostAction, LUMEN_PROTOCOL, parseHostAction } from "@/lib/embed/host-messages";

interface BridgeOptions {
  allowedOrigins: readonly string[];
  onAction: (action: HostAction) => void;
  /** A hello from the host (its loader attaching late): answered with "ready" again. */
  onHello: () => void;
}

export function useHostBridge({ allowedOrigins, onAction, onHello }: BridgeOptions) {
  const handlers = useRef({ onAction, onHello });
  handlers.current = { onAction, onHello };

  const post = useCallback(
    (message: EmbedMessage) => {
      if (window.parent === window) return;
      for (const origin of allowedOrigins.length ? allowedOrigins : ["*"])
        window.parent.postMessage({ lumen: LUMEN_PROTOCOL, ...message }, origin);
    },
    [allowedOrigins],
  );

  useEffect(() => {
    if (window.parent === window) return;
    const receive = (event: MessageEvent) => {
      if (event.source !== window.parent) return;
      if (allowedOrigins.length && !allowedOrigins.includes(event.origin)) return;
      const data: unknown = event.data;
      if (!data || typeof data !== "object" || (data as { lumen?: unknown }).lumen !== LUMEN_PROTOCOL) return;
      if ((data as { type?: unknown }).type === "hello") return handlers.current.onHello();
      const parsed = parseHostAction(data as Record<string, unknown>);
      if (parsed.ok) handlers.current.onAction(parsed.action);
      else post({ type: "error", code: "invalid_message", message: parsed.message });
    };
    window.addEventListener("message", receive);
    return () => window.removeEventListener("message", receive);
  }, [allowedOrigins, post]);

  return post;
}

/** Posts the content's height whenever it changes, so the loader can size the iframe to fit. */
export function useResizeReports(element: React.RefObject<HTMLElement | null>, post: (message: EmbedMessage) => void) {
  useEffect(() => {
    const target = element.current;
    if (!target || window.parent === window) return;
    let last = 0;
    const observer = new ResizeObserver(() => {
      const height = Math.ceil(target.getBoundingClientRect().height);
      if (height !== last) {
        last = height;
        post({ type: "resize", height });
      }
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [element, post]);
}
