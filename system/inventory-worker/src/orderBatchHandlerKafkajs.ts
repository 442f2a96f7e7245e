import type { EachBatchPayload } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import { offsetCommitPolicy } from './offsetCommitPolicy.ts';
import { toPendingOrders } from './toPendingOrders.ts';
import type { WorkerStats } from './WorkerStats.ts';
import { writeOrderBatch } from './writeOrderBatch.ts';

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
 * The kafkajs eachBatch handler. Splits a partition's batch into chunks of at most batchMax
 * messages; each chunk is one PostgreSQL transaction, and its offset is committed only after the
 * DB commit. On stop or rebalance it finishes the current chunk and returns.
 */
export function orderBatchHandler(deps: BatchHandlerDeps): (payload: EachBatchPayload) => Promise<void> {
  const { pool, batchMax, idempotent, offsetFirst = false, stats, logger } = deps;
  const commits = offsetCommitPolicy({ lazy: !idempotent });
  return async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
    const { topic, partition } = batch;
    for (let start = 0; start < batch.messages.length; start += batchMax) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + batchMax);
      const lastOffset = messages[messages.length - 1]!.offset;
      const commitOffset = () => commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] }] });
      if (offsetFirst) {
        resolveOffset(lastOffset);
        await commitOffset();
      }
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
      if (!offsetFirst) {
        resolveOffset(lastOffset);
        if (commits.due(partition)) await commitOffset();
      }
      logger.debug(
        {
          partition,
          firstOffset: messages[0]!.offset,
          lastOffset,
          messages: messages.length,
          inserted: written.inserted,
          confirmed: written.confirmed,
          deadLettered: written.deadLetters.length,
          dbMs,
          ms: Math.round(performance.now() - started),
        },
        'batch written',
      );
      await heartbeat();
    }
  };
}
