// Preparing a batch (JSON, validation, enrichment, CSV) is most of an ingestion request's CPU. A
// worker thread does it, so on a machine with a spare core the request thread only serves HTTP and
// the database. Where no worker can start (scripts and tests run from TypeScript sources) or one
// dies, batches are prepared on the calling thread instead: same code, same answers.
import { Worker } from "node:worker_threads";
import { log } from "../log";
import { type PrepareInput, type PrepareOutcome, prepareBatch } from "./prepare-batch";

type Waiting = { input: PrepareInput; resolve: (outcome: PrepareOutcome) => void; reject: (error: Error) => void };

/** Batches waiting for the worker beyond this are prepared on the request thread, which slows intake as before. */
const MAX_WAITING = 32;

let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, Waiting>();

function retire(reason: unknown): void {
  if (worker)
    log.warn("batch preparation moves to the request thread", {
      error: reason instanceof Error ? reason.message : String(reason),
    });
  worker = null;
  // Anything the worker had not answered is prepared here.
  for (const [id, { input, resolve, reject }] of waiting) {
    waiting.delete(id);
    try {
      resolve(prepareBatch(input));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function start(): Worker | null {
  try {
    const started = new Worker(new URL("./prepare-worker.ts", import.meta.url));
    started.on("message", ({ id, outcome, failure }: { id: number; outcome?: PrepareOutcome; failure?: string }) => {
      const request = waiting.get(id);
      waiting.delete(id);
      if (outcome) request?.resolve(outcome);
      else request?.reject(new Error(`batch preparation failed: ${failure}`));
    });
    started.on("error", retire);
    started.on("messageerror", retire);
    started.on("exit", (code) => retire(`worker exited with code ${code}`));
    started.unref();
    return started;
  } catch (error) {
    retire(error);
    return null;
  }
}

export function prepareOffThread(input: PrepareInput): Promise<PrepareOutcome> {
  if (worker === undefined) worker = start();
  if (!worker || waiting.size >= MAX_WAITING) return Promise.resolve(prepareBatch(input));
  const id = nextId++;
  const running = worker;
  return new Promise((resolve, reject) => {
    waiting.set(id, { input, resolve, reject });
    running.postMessage({ id, input });
  });
}
