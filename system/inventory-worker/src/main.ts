import { loadConfig, type WorkerConfig } from './loadConfig.ts';
import { startWorker } from './startWorker.ts';

let config: WorkerConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\nSee system/inventory-worker/README.md for every variable and its default.\n`);
  process.exit(1);
}
// Handlers first: a signal that arrives while the worker starts stops it as soon as it has started.
const worker = startWorker(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void worker.then((w) => w.stop()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
await worker;
