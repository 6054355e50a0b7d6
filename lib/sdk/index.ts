// Lumen's Node SDK: `import { Lumen } from "lumen/lib/sdk"`.

export type { EventInput, IngestResponse } from "../ingest/schemas";
export { Lumen, type LumenOptions, SDK_VERSION, type TrackEvent } from "./client";
