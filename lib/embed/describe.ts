// What an embed's client needs to know about its token: the resource, what the viewer may change,
// whether downloads are allowed, which range it shows until the viewer picks one, the segment it is
// locked to (shown to the viewer by name, so they know whose numbers they read), and how long the
// token lasts (relative, so clocks need not agree).
import "server-only";
import { getPrisma } from "../db/client";
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
  /**
   * The saved segment the token locks (every widget shows only its visitors), by name; the name is
   * null when the project no longer has it (the widgets then answer 400, never more data). Null: none.
   */
  segment: { id: string; name: string | null } | null;
  /** Milliseconds until the token expires; null when it never does. */
  expires_in_ms: number | null;
}

export async function describeEmbed(embed: VerifiedEmbed, now = Date.now()): Promise<EmbedDescription> {
  const segmentId = embed.claims.params.segment;
  // Bound to the token's own project: a customer-signed token naming another project's segment learns nothing.
  const segment = segmentId
    ? await getPrisma().segment.findFirst({
        where: { id: segmentId, organizationId: embed.organizationId, projectId: embed.projectId },
        select: { name: true },
      })
    : null;
  return {
    resource: embed.claims.resource,
    editable: embed.claims.editable,
    downloads: embed.claims.downloads,
    default_range: embed.claims.params.range ?? DEFAULT_RANGE,
    segment: segmentId ? { id: segmentId, name: segment?.name ?? null } : null,
    expires_in_ms: embed.expiresAt ? Math.max(0, embed.expiresAt.getTime() - now) : null,
  };
}
