import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, where the services run from as host processes. */
export const repo = fileURLToPath(new URL('../../../', import.meta.url));
/** The services' entry points, run as processes by startSystem and bundled into their images by systemImages. */
export const apiMain = join(repo, 'system/ingestion-api/src/main.ts');
export const workerMain = join(repo, 'system/inventory-worker/src/main.ts');

/**
 * The API's V8 flags, as in its `npm start`:
 * - a young generation of 32 MiB semi-spaces, so that the short-lived garbage of each request is
 *   collected less often (bench (c) +5%, (e) p99 lower);
 * - the garbage collector on the main thread alone. With helper threads, the main thread sleeps
 *   through each collection until the helpers get a CPU, and on a machine whose cores are busy with
 *   the broker, Redis and the load they wait for one: collections V8 timed at 1-4 ms stalled the
 *   event loop for 5-30 ms (seen with `perf sched`); the A/B is in docs/decisions.md.
 */
export const apiNodeFlags = ['--max-semi-space-size=32', '--single-threaded-gc'];
