"use client";
// Talks to the host page: announces readiness and load time, and posts the content height so the
// loader script can size the iframe. Messages share one namespaced envelope: { lumen: 1, type, ... }.
import { useEffect } from "react";

export function EmbedBridge({ startedAt }: { startedAt: number }) {
  useEffect(() => {
    if (window.parent === window) return;
    const post = (type: string, data: Record<string, unknown> = {}) => window.parent.postMessage({ lumen: 1, type, ...data }, "*");
    post("ready");
    post("loaded", { duration_ms: Math.round(Date.now() - startedAt) });
    let last = 0;
    const observer = new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height !== last) post("resize", { height: (last = height) });
    });
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [startedAt]);
  return null;
}
