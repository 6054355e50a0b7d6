// What an embed's client needs to know about its token: the resource, what the viewer may change,
// whether downloads are allowed, which range it shows until the viewer picks one, and how long the
// token lasts (relative, so clocks need not agree).
import { DEFAULT_RANGE } from "../query/range";
import type { QueryRange } from "../query/schemas";
import type { EditableField } from "./schemas";
import type { VerifiedEmbed } from "./tokens";

export interface EmbedDescription {
  resource: { type: "report" | "widget"; id: string };
  editable: EditableField[];
  downloads: boolean;
  /** The range shown while the viewer has not chosen one: the token's locked range, else Lumen's default. */
  default_range: QueryRange;
  /** Milliseconds until the token expires; null when it never does. */
  expires_in_ms: number | null;
}

export function describeEmbed(embed: VerifiedEmbed, now = Date.now()): EmbedDescription {
  return {
    resource: embed.claims.resource,
    editable: embed.claims.editable,
    downloads: embed.claims.downloads,
    default_range: embed.claims.params.range ?? DEFAULT_RANGE,
    expires_in_ms: embed.expiresAt ? Math.max(0, embed.expiresAt.getTime() - now) : null,
  };
}
