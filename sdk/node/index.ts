// Lumen's Node SDK: `import { Lumen } from "lumen/sdk/node"`.

export type { EventInput, IngestResponse } from "../../lib/ingest/schemas";
export { Lumen, type LumenOptions, SDK_VERSION, type TrackEvent } from "./client";
