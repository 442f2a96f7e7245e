import type pg from 'pg';
import type { Logger } from 'pino';
import { offsetCommitPolicy } from './offsetCommitPolicy.ts';
import { toPendingOrders, type OrderMessage } from './toPendingOrders.ts';
import type { WorkerStats } from './WorkerStats.ts';
import { writeOrderBatch } from './writeOrderBatch.ts';

/** The messages of one partition read in one go, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: Array<OrderMessage & { commit(): Promise<void> }>;
  /** False once the worker is stopping. */
  isRunning(): boolean;
  /** True once the partition is no longer assigned to this worker (a rebalance took it). */
  isStale(): boolean;
}

export interface BatchHandlerDeps {
  pool: pg.Pool;
  batchMax: number;
  idempotent: boolean;
  /** Broken mode: commit each chunk's offset before its PostgreSQL transaction instead of after. */
  offsetFirst?: boolean;
  stats: WorkerStats;
  logger: Logger;
}

/**
 * Handles a partition's batch: splits it into chunks of at most batchMax messages; each chunk is one
 * PostgreSQL transaction, and its offset is committed only after the DB commit. On stop or
 * rebalance it finishes the current chunk and returns.
 */
export function orderBatchHandler(deps: BatchHandlerDeps): (batch: PartitionBatch) => Promise<void> {
  const { pool, batchMax, idempotent, offsetFirst = false, stats, logger } = deps;
  const commits = offsetCommitPolicy({ lazy: !idempotent });
  return async ({ topic, partition, messages: all, isRunning, isStale }) => {
    for (let start = 0; start < all.length; start += batchMax) {
      if (!isRunning() || isStale()) return;
      const messages = all.slice(start, start + batchMax);
      const last = messages[messages.length - 1]!;
      // Commits the offset after the chunk's last message.
      if (offsetFirst) await last.commit();
      const decoded = toPendingOrders(partition, messages);
      const started = performance.now();
      const written = await writeOrderBatch(pool, decoded, { idempotent });
      const dbMs = Math.round(performance.now() - started);
      for (const { valueHead: _valueHead, ...letter } of written.deadLetters) {
        logger.error({ ...letter, topic }, `order set aside in dead_letters: ${letter.reason}`);
      }
      stats.processed += messages.length;
      stats.inserted += written.inserted;
      stats.confirmed += written.confirmed;
      stats.rejected += written.rejected;
      stats.deadLettered += written.deadLetters.length;
      stats.batches += 1;
      if (!offsetFirst && commits.due(partition)) await last.commit();
      logger.debug(
        {
          partition,
          firstOffset: messages[0]!.offset,
          lastOffset: last.offset,
          messages: messages.length,
          inserted: written.inserted,
          confirmed: written.confirmed,
          deadLettered: written.deadLetters.length,
          dbMs,
          ms: Math.round(performance.now() - started),
        },
        'batch written',
      );
    }
  };
}
