// Lumen's Node SDK: `import { Lumen } from "lumen/lib/sdk"`.
export { Lumen, SDK_VERSION, type LumenOptions, type TrackEvent } from "./client";
export type { EventInput, IngestResponse } from "../ingest/schemas";
