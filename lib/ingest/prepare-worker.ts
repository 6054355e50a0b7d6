// The worker thread that prepares ingestion batches (see prepare-pool.ts). An unexpected error fails
// that one request (a 500, as on the request thread), not the worker.
import { parentPort } from "node:worker_threads";
import { type PrepareInput, prepareBatch } from "./prepare-batch";

parentPort?.on("message", ({ id, input }: { id: number; input: PrepareInput }) => {
  try {
    parentPort?.postMessage({ id, outcome: prepareBatch(input) });
  } catch (error) {
    parentPort?.postMessage({ id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
