export { loadConfig, type WorkerConfig } from './loadConfig.ts';
export { startWorker, type StartedWorker } from './startWorker.ts';
export { migrate } from './migrate.ts';
export { ensureOrdersTopic } from './ensureOrdersTopic.ts';
export type { WorkerStats } from './WorkerStats.ts';
