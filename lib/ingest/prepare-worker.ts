// The worker thread that prepares ingestion batches (see prepare-pool.ts).
import { parentPort } from "node:worker_threads";
import { prepareBatch, type PrepareInput } from "./prepare-batch";

parentPort?.on("message", ({ id, input }: { id: number; input: PrepareInput }) => {
  parentPort?.postMessage({ id, outcome: prepareBatch(input) });
});
