// The tracker's wire types: the ingestion API's own schema, as JSON (timestamps in epoch ms).
import type { z } from "zod";
import type { eventContextSchema, eventSchema } from "../../lib/ingest/schemas";

export type WireEvent = z.input<typeof eventSchema>;
export type PageContext = NonNullable<z.input<typeof eventContextSchema>["page"]>;
export type Properties = Record<string, unknown>;
export type ConsentState = "granted" | "denied" | "pending";

/** window.lumen */
export interface LumenApi {
  track(name: string, properties?: Properties): void;
  identify(userId: string, traits?: Properties): void;
  /** Records a pageview of the current location (for custom routers or data-pageviews="false"). */
  page(): void;
  /** true/"granted", false/"denied" or "pending". */
  consent(state: boolean | ConsentState): void;
  /** Stops tracking on this browser for good (remembered in localStorage) and forgets its ids. */
  optOut(): void;
  /** Sends the queue now. */
  flush(): void;
  /** Return the event (possibly changed) to send it, or null to drop it. */
  beforeSend?: (event: WireEvent) => WireEvent | null;
}

declare global {
  interface Window {
    lumen?: LumenApi;
  }
  /** window.lumen as a global: set by lumen.ts before any event is tracked. */
  var lumen: LumenApi;
  interface Navigator {
    globalPrivacyControl?: boolean;
  }
}
