import { ordersTopic } from '@flux-gate/contracts';
import { Admin, Consumer } from '@platformatic/kafka';
import pg from 'pg';
import { createLogger } from './createLogger.ts';
import { consumeInBatches, type ConsumingInBatches } from './consumeInBatches.ts';
import { ensureOrdersTopic } from './ensureOrdersTopic.ts';
import { groupLag } from './groupLag.ts';
import type { WorkerConfig } from './loadConfig.ts';
import { migrate } from './migrate.ts';
import { logKafkaEvents } from './logKafkaEvents.ts';
import { orderBatchHandler } from './orderBatchHandler.ts';
import { type MetricsServer, serveMetrics } from './serveMetrics.ts';
import { throughputReporter } from './throughputReporter.ts';
import { emptyStats, type WorkerStats } from './WorkerStats.ts';

export interface StartedWorker extends AsyncDisposable {
  /** A copy of the counters. */
  stats(): WorkerStats;
  /** Where its Prometheus metrics are served. */
  metricsUrl: string;
  /** Finishes the current batch, commits it, leaves the group and closes PostgreSQL. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs the migrations, ensures the `orders` topic, and starts consuming it in the configured group.
 * Resolves once the consumer runs; it joins the group right after (logged as "joined consumer group").
 */
export async function startWorker(config: WorkerConfig): Promise<StartedWorker> {
  const logger = createLogger(config.logLevel);
  const idempotent = !config.brokenNonIdempotent;
  if (!idempotent) {
    logger.warn(
      { brokenMode: 'FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER' },
      'BROKEN MODE ON: this worker is deliberately NOT idempotent (a redelivered order takes stock again, offsets are committed lazily). For the harness self-test only.',
    );
  }
  if (config.brokenOffsetBeforeCommit) {
    logger.warn(
      { brokenMode: 'FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT' },
      'BROKEN MODE ON: this worker commits Kafka offsets BEFORE the PostgreSQL commit (a kill in between loses orders). For the harness self-test only.',
    );
  }
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.partitionsConsumedConcurrently + 1,
    query_timeout: config.pgQueryTimeoutMs,
    connectionTimeoutMillis: config.pgQueryTimeoutMs,
  });
  pool.on('error', (err) => logger.warn({ err }, 'idle PostgreSQL connection failed'));
  const client = { clientId: config.kafkaClientId, bootstrapBrokers: config.kafkaBrokers, retries: 5, retryDelay: (_c: unknown, _o: string, attempt: number) => Math.min(5_000, 200 * 2 ** (attempt - 1)) };
  const consumer = new Consumer({ ...client, groupId: config.groupId });
  logKafkaEvents(consumer, logger);
  consumer.on('consumer:group:join', (payload) =>
    logger.info({ groupId: payload.groupId, memberId: payload.memberId, assignment: payload.assignments }, 'joined consumer group'),
  );
  // A failed rejoin; the consumer tries again on its next heartbeat.
  consumer.on('error', (err: Error) => logger.error({ err }, 'consumer group error'));

  const stats = emptyStats();
  const stopReporter = throughputReporter(stats, logger, config.statsIntervalMs);
  let metrics: MetricsServer | undefined;
  let consuming: ConsumingInBatches | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopReporter();
      await metrics?.close();
      await consuming?.stop().catch((err: Error) => logger.warn({ err }, 'consumer stop failed'));
      await consumer.close().catch((err: Error) => logger.warn({ err }, 'consumer close failed'));
      await pool.end().catch((err: Error) => logger.warn({ err }, 'PostgreSQL pool end failed'));
      logger.info({ ...stats }, 'stopped');
    })());

  try {
    metrics = await serveMetrics(stats, config.metricsHost, config.metricsPort, () => groupLag(consumer));
    await migrate(pool);
    const admin = new Admin(client);
    await ensureOrdersTopic(admin, config.ordersPartitions).finally(() => admin.close());
    consuming = await consumeInBatches({
      consumer,
      consume: {
        topics: [ordersTopic],
        sessionTimeout: config.sessionTimeoutMs,
        heartbeatInterval: Math.floor(config.sessionTimeoutMs / 3),
        rebalanceTimeout: Math.max(config.sessionTimeoutMs, 60_000),
        maxBytes: config.fetchMaxBytes,
        maxBytesPerPartition: config.fetchMaxBytesPerPartition,
        minBytes: config.fetchMinBytes,
        maxWaitTime: config.fetchMaxWaitMs,
        // Enough fetched messages for every partition handled at once to fill a chunk.
        highWaterMark: config.batchMax * config.partitionsConsumedConcurrently,
      },
      concurrency: config.partitionsConsumedConcurrently,
      handle: orderBatchHandler({ pool, batchMax: config.batchMax, idempotent, offsetFirst: config.brokenOffsetBeforeCommit, stats, logger }),
      logger,
    });
  } catch (err) {
    logger.error({ err }, 'start failed');
    await stop();
    throw err;
  }
  logger.info({ groupId: config.groupId, brokers: config.kafkaBrokers, idempotent, batchMax: config.batchMax, metrics: metrics.url }, 'consumer running');
  return { stats: () => ({ ...stats }), metricsUrl: metrics.url, stop, [Symbol.asyncDispose]: stop };
}
