// The postMessage protocol between an embed and the page that hosts it: one namespaced envelope,
// { lumen: 1, type, ...fields }, both ways. Documented in README.md ("Talking to the host page").
// The embed checks host actions here by hand rather than with zod: zod would add ~23 KB (gzipped) to
// the embed's bundle, and every choice an action makes is validated again, with zod, by the server.
import { RELATIVE_RANGES, type RelativeRange } from "../query/vocabulary";
import type { ViewerChoices } from "./schemas";

export const LUMEN_PROTOCOL = 1;

export const THEME_MODES = ["light", "dark", "auto"] as const;
export type ThemeMode = (typeof THEME_MODES)[number];

type Range = NonNullable<ViewerChoices["range"]>;

/** Host -> embed actions. set-filter may name any field, so a non-editable one can be named in the error sent back. */
export type HostAction =
  | { type: "set-theme"; mode: ThemeMode }
  | { type: "set-filter"; range?: Range | null; filters?: Record<string, string | null> }
  | { type: "refresh" }
  | { type: "set-token"; token: string };

/** What the embed reports as `error` codes: the API's codes when the server answered, or these. */
export type EmbedErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "query_too_expensive"
  | "query_timeout"
  | "unavailable"
  | "internal_error"
  | "network_error"
  | "invalid_message"
  | "not_editable"
  | "wrong_resource";

/** The viewer's current choices as the host sees them. */
export interface ChoicesPayload {
  range: Range | null;
  filters: ViewerChoices["filters"];
}

/** Embed -> host messages (each also carries lumen: 1). */
export type EmbedMessage =
  | ({ type: "ready"; editable: string[]; downloads: boolean } & ChoicesPayload)
  | { type: "loaded"; duration_ms: number }
  | { type: "resize"; height: number }
  | ({ type: "filter-changed" } & ChoicesPayload)
  | { type: "error"; code: EmbedErrorCode; message: string; action?: HostAction["type"]; fields?: string[] }
  | { type: "token-expired" };

export function choicesPayload(choices: ViewerChoices): ChoicesPayload {
  return { range: choices.range ?? null, filters: choices.filters };
}

type Parsed = { ok: true; action: HostAction } | { ok: false; message: string };

const isText = (value: unknown, max: number): value is string =>
  typeof value === "string" && value.length > 0 && value.length <= max;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function parseRange(value: unknown): Range | null | undefined | "invalid" {
  if (value === undefined || value === null) return value;
  if (!isObject(value)) return "invalid";
  if ((RELATIVE_RANGES as readonly unknown[]).includes(value.relative))
    return { relative: value.relative as RelativeRange };
  // Dates or ISO instants; their order and format are checked by the server.
  if (isText(value.from, 40) && isText(value.to, 40)) return { from: value.from, to: value.to };
  return "invalid";
}

function parseFilters(value: unknown): Record<string, string | null> | undefined | "invalid" {
  if (value === undefined) return undefined;
  if (!isObject(value)) return "invalid";
  const entries = Object.entries(value);
  if (entries.length > 20 || !entries.every(([field, v]) => field.length <= 100 && (v === null || isText(v, 500))))
    return "invalid";
  return value as Record<string, string | null>;
}

/** A message from the host, already known to carry lumen: 1. */
export function parseHostAction(data: Record<string, unknown>): Parsed {
  switch (data.type) {
    case "set-theme":
      return (THEME_MODES as readonly unknown[]).includes(data.mode)
        ? { ok: true, action: { type: "set-theme", mode: data.mode as ThemeMode } }
        : { ok: false, message: `mode: must be one of ${THEME_MODES.join(", ")}` };
    case "set-filter": {
      const range = parseRange(data.range);
      const filters = parseFilters(data.filters);
      if (range === "invalid") return { ok: false, message: "range: must be { relative } or { from, to }" };
      if (filters === "invalid")
        return { ok: false, message: "filters: must map up to 20 fields to a value (up to 500 characters) or null" };
      return {
        ok: true,
        action: { type: "set-filter", ...(range !== undefined ? { range } : {}), ...(filters ? { filters } : {}) },
      };
    }
    case "refresh":
      return { ok: true, action: { type: "refresh" } };
    case "set-token":
      return isText(data.token, 8_000)
        ? { ok: true, action: { type: "set-token", token: data.token } }
        : { ok: false, message: "token: must be a token string" };
    default:
      return { ok: false, message: `type: unknown action ${JSON.stringify(String(data.type)).slice(0, 60)}` };
  }
}
