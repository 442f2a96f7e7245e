import { ordersTopic } from '@flux-gate/contracts';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createLogger } from './createLogger.ts';
import { ensureOrdersTopic } from './ensureOrdersTopicKafkajs.ts';
import { kafkaLogCreator } from './kafkaLogCreator.ts';
import type { WorkerConfig } from './loadConfig.ts';
import { migrate } from './migrate.ts';
import { orderBatchHandler } from './orderBatchHandlerKafkajs.ts';
import { throughputReporter } from './throughputReporter.ts';
import { emptyStats, type WorkerStats } from './WorkerStats.ts';

interface StartedWorker extends AsyncDisposable {
  /** A copy of the counters. */
  stats(): WorkerStats;
  /** Finishes the current batch, commits it, leaves the group and closes PostgreSQL. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs the migrations, ensures the `orders` topic, and starts consuming it in the configured group.
 * Resolves once the consumer runs; it joins the group right after (logged as "joined consumer group").
 */
export async function startWorkerKafkajs(config: WorkerConfig): Promise<StartedWorker> {
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
  const kafka = new Kafka({
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: { initialRetryTime: 200, maxRetryTime: 5000 },
  });
  const consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeoutMs,
    maxBytes: config.fetchMaxBytes,
    maxBytesPerPartition: config.fetchMaxBytesPerPartition,
    minBytes: config.fetchMinBytes,
    maxWaitTimeInMs: config.fetchMaxWaitMs,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    logger.info({ groupId: payload.groupId, memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group'),
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed'));

  const stats = emptyStats();
  const stopReporter = throughputReporter(stats, logger, config.statsIntervalMs);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopReporter();
      await consumer.disconnect().catch((err: Error) => logger.warn({ err }, 'consumer disconnect failed'));
      await pool.end().catch((err: Error) => logger.warn({ err }, 'PostgreSQL pool end failed'));
      logger.info({ ...stats }, 'stopped');
    })());

  try {
    await migrate(pool);
    await ensureOrdersTopic(kafka, config.ordersPartitions);
    await consumer.connect();
    await consumer.subscribe({ topic: ordersTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      eachBatch: orderBatchHandler({ pool, batchMax: config.batchMax, idempotent, offsetFirst: config.brokenOffsetBeforeCommit, stats, logger }),
    });
  } catch (err) {
    logger.error({ err }, 'start failed');
    await stop();
    throw err;
  }
  logger.info({ groupId: config.groupId, brokers: config.kafkaBrokers, idempotent, batchMax: config.batchMax }, 'consumer running');
  return { stats: () => ({ ...stats }), stop, [Symbol.asyncDispose]: stop };
}
