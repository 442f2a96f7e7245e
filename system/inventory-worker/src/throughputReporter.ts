import type { Logger } from 'pino';
import type { WorkerStats } from './WorkerStats.ts';

/** Logs a throughput line at info every intervalMs while orders flow. Returns the function that stops it. */
export function throughputReporter(stats: WorkerStats, logger: Logger, intervalMs: number): () => void {
  let last = { ...stats };
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (stats.processed !== last.processed) {
      const seconds = (now - lastAt) / 1000;
      logger.info({ ...stats, ordersPerSec: Math.round((stats.processed - last.processed) / seconds) }, 'throughput');
    }
    last = { ...stats };
    lastAt = now;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
