// Starts a TypeScript worker thread (bench/load-worker.ts) through tsx: Node 20 does not give a
// worker the parent's `--import tsx` loader, so the worker registers it itself.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
