import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiContext } from './ApiContext.ts';
import type { Config } from './config/loadConfig.ts';
import { createLogger } from './createLogger.ts';
import { ProductCatalog } from './db/ProductCatalog.ts';
import { SaleStore } from './db/SaleStore.ts';
import { errorHandler } from './http/errorHandler.ts';
import { frameworkErrors } from './http/frameworkErrors.ts';
import { openApi } from './http/openApi.ts';
import { notFoundHandler } from './http/notFoundHandler.ts';
import { parseQuery } from './http/parseQuery.ts';
import { wellFormedRequest } from './http/wellFormedRequest.ts';
import { OrderBatcher } from './kafka/OrderBatcher.ts';
import { OrderProducer } from './kafka/OrderProducer.ts';
import { ApiMetrics } from './metrics/ApiMetrics.ts';
import { connectRedis, type RedisClient } from './redis/connectRedis.ts';
import { crossSlotTake } from './redis/crossSlotTake.ts';
import { keyIgnoringTake } from './redis/keyIgnoringTake.ts';
import { leakingRelease } from './redis/leakingRelease.ts';
import { nonAtomicTake } from './redis/nonAtomicTake.ts';
import { ReplicaWait } from './redis/ReplicaWait.ts';
import { ShardReplicaWait } from './redis/ShardReplicaWait.ts';
import { SaleGate, type TakeFn } from './redis/SaleGate.ts';
import { type InFlightLook, SaleRebuilder } from './redis/SaleRebuilder.ts';
import { type ReleaseFn, unguardedRelease } from './redis/unguardedRelease.ts';
import { WaitingQueue } from './redis/WaitingQueue.ts';
import { adminRoutes } from './routes/adminRoutes.ts';
import { healthRoutes } from './routes/healthRoutes.ts';
import { orderRoute } from './routes/orderRoute.ts';
import { orderStatusRoute } from './routes/orderStatusRoute.ts';
import { productRoute } from './routes/productRoute.ts';
import { queueRoute } from './routes/queueRoute.ts';
import { waitingRoomRoute } from './routes/waitingRoomRoute.ts';
import { StartupError } from './StartupError.ts';
import { OrderTakeover } from './takeover/OrderTakeover.ts';
import { OrphanSweeper } from './takeover/OrphanSweeper.ts';
import { scrambleBlock } from './waitingRoom/admissionOrder.ts';
import { QueueSigner } from './waitingRoom/QueueSigner.ts';

export interface BuiltApp {
  app: FastifyInstance;
  log: Logger;
  /** Closes the app, then flushes Kafka and disconnects Redis, Kafka and PostgreSQL. */
  close(): Promise<void>;
}

const hostOf = (url: string) => new URL(url).host;

/** The limit the take script compares a user's units with when the per-user limit is deliberately not enforced. */
const noLimit = 2 ** 31;

/** The take the routes use: the gate's, unless a broken mode replaces it. */
function takeOf(config: Config, redis: RedisClient, gate: SaleGate): TakeFn {
  if (config.broken.nonAtomicStock) return nonAtomicTake(redis);
  if (config.broken.ignoreIdempotencyKey) return keyIgnoringTake(gate.take);
  if (config.broken.crossSlotTake) return crossSlotTake(redis, gate);
  return gate.take;
}

/** The give-back of a refused produce: the gate's once-only one, unless a broken mode replaces it. */
function releaseOf(config: Config, redis: RedisClient, gate: SaleGate): ReleaseFn {
  if (config.broken.doubleGiveBack) return unguardedRelease(redis);
  if (config.broken.noGiveBack) return leakingRelease(redis);
  return (productId, orderId, key) => gate.release(productId, orderId, key);
}

/**
 * Connects Redis, PostgreSQL (running the migrations) and Kafka (creating the `orders` topic),
 * then builds the Fastify app without listening: tests use app.inject(), startApi listens.
 * Throws a StartupError naming the dependency that did not answer.
 */
export async function buildApp(config: Config, log: Logger = createLogger(config)): Promise<BuiltApp> {
  announceRiskyModes(config, log);
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: Error) => log.warn({ err: err.message }, 'close failed'));
  };
  try {
    const redis = await connectRedis(config, config.timeouts.redisMs, log.child({ part: 'redis' })).catch((err) => {
      const sentinels = config.redisSentinels;
      if (config.redisCluster) throw new StartupError('Redis', `Redis Cluster nodes ${config.redisCluster.map((n) => `${n.host}:${n.port}`).join(',')}`, 'REDIS_CLUSTER_NODES', err);
      if (sentinels) throw new StartupError('Redis', `Sentinels ${sentinels.sentinels.map((s) => `${s.host}:${s.port}`).join(',')} (primary ${sentinels.name})`, 'REDIS_SENTINELS', err);
      throw new StartupError('Redis', hostOf(config.redisUrl), 'REDIS_URL', err);
    });
    closers.push(() => redis.quit().catch(() => redis.disconnect()));

    const store = new SaleStore({ databaseUrl: config.databaseUrl, timeoutMs: config.timeouts.databaseMs, log: log.child({ part: 'postgres' }) });
    closers.push(() => store.close());
    await store.migrate().catch((err) => {
      throw new StartupError('PostgreSQL', hostOf(config.databaseUrl), 'DATABASE_URL', err);
    });

    const producer = new OrderProducer({
      brokers: config.kafkaBrokers,
      clientId: `ingestion-api-${config.instanceId}`,
      timeoutMs: config.timeouts.kafkaMs,
      partitions: config.kafka.partitions,
      producers: config.kafka.producers,
      acks: config.broken.leaderOnlyAcks ? 'leader' : 'all',
      log: log.child({ part: 'kafka' }),
    });
    closers.push(() => producer.close());
    await producer.ensureTopic().then(() => producer.connect()).catch((err) => {
      throw new StartupError('Kafka', config.kafkaBrokers.join(','), 'KAFKA_BROKERS', err);
    });
    // In the background: the API serves meanwhile, its orders taking turns with the warm-up sends.
    const warmStart = performance.now();
    void producer.warmUp(config.kafka.warmupSends).then(
      () => config.kafka.warmupSends > 0 && log.info({ sends: config.kafka.warmupSends, ms: Math.round(performance.now() - warmStart) }, 'Kafka producers warmed up'),
      (err: Error) => log.warn({ err: err.message }, 'the Kafka warm-up stopped; the first orders may find the Produce path cold'),
    );

    const metrics = new ApiMetrics();
    const batcher = new OrderBatcher({
      send: metrics.timedSend(producer.send),
      lingerMs: config.kafka.lingerMs,
      maxBatch: config.kafka.maxBatch,
      timeoutMs: config.timeouts.kafkaMs,
      maxInFlight: config.kafka.producers,
    });
    closers.push(() => batcher.close());

    const queueSlack = config.broken.randomAdmission ? scrambleBlock : 0;
    const gate = new SaleGate(redis, {
      perUserLimit: config.broken.noPerUserLimit ? noLimit : config.perUserLimit,
      ratePerSec: config.rateLimit.perSec,
      burst: config.rateLimit.burst,
      answerTtlMs: config.idempotencyTtlSec * 1000,
      pendingTtlMs: 5 * config.timeouts.kafkaMs + 5_000 + config.takeover.leaseMs,
      leaseMs: config.takeover.leaseMs,
      queueSlack,
      fencing: config.redisDurability.fencing,
    });
    const catalog = new ProductCatalog(store);
    const takeover = new OrderTakeover(batcher, gate, log.child({ part: 'takeover' }));
    if (config.takeover.sweepMs > 0) {
      const sweeper = new OrphanSweeper({ gate, catalog, takeover, log: log.child({ part: 'sweeper' }), intervalMs: config.takeover.sweepMs, pageSize: 200 });
      sweeper.start();
      closers.push(() => sweeper.stop());
    }
    // This instance's own orders are counted before the look at Kafka, as in inFlightLook below: a
    // send acked between a later count and the look would be in neither.
    const inFlight = async () => {
      const local = batcher.unsettled + takeover.finishing;
      return local + (await producer.groupLag(config.workerGroupId));
    };
    // This instance's own orders are counted before the look at Kafka: a send that settled before
    // the count was either acked (its record below the end offset the look reads) or never written,
    // and an open one is in `finishing` from the moment it settled.
    const inFlightLook = async (): Promise<InFlightLook> => {
      const unsettled = batcher.unsettledByKey();
      const finishing = takeover.finishingByProduct();
      const offsets = await producer.groupOffsets(config.workerGroupId);
      return {
        local: (productId) => (unsettled.get(productId) ?? 0) + (finishing.get(productId) ?? 0),
        ends: (productId) => offsets.ends(productId),
        storedPast: (ends) => offsets.storedPast(ends),
      };
    };
    const { waitReplicas, waitMs } = config.redisDurability;
    const rebuilder = new SaleRebuilder({
      gate,
      store,
      inFlight: inFlightLook,
      settleMs: config.timeouts.kafkaMs + config.timeouts.redisMs,
      pollMs: 250,
      admissionRatePerSec: config.waitingRoom.ratePerSec,
      log: log.child({ part: 'rebuild' }),
    });
    closers.push(() => rebuilder.close());
    const ctx: ApiContext = {
      config,
      log,
      redis,
      gate,
      take: metrics.countedTake(takeOf(config, redis, gate)),
      release: releaseOf(config, redis, gate),
      producer,
      batcher,
      takeover,
      inFlight,
      ...(waitReplicas > 0 ? { replicaWait: redis instanceof Cluster ? new ShardReplicaWait(redis, { replicas: waitReplicas, timeoutMs: waitMs }) : new ReplicaWait(redis, { replicas: waitReplicas, timeoutMs: waitMs }) } : {}),
      rebuilder,
      store,
      catalog,
      queue: new WaitingQueue(redis, queueSlack),
      signer: new QueueSigner(config.waitingRoom.secret),
    };
    const app = await fastifyApp(ctx, metrics, closeAll);
    return { app, log, close: () => app.close() };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function fastifyApp(ctx: ApiContext, metrics: ApiMetrics, onClose: () => Promise<void>): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log.child({ part: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimitBytes,
    return503OnClosing: true,
    // Extra body fields are refused (the schemas say additionalProperties: false), not silently dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // Longer than any id the schemas take, so a long one gets the schema's 400 naming its field.
    routerOptions: { maxParamLength: 4096, querystringParser: parseQuery },
    frameworkErrors: frameworkErrors(() => app),
  });
  // A request logs with the app's logger itself, not a pino child carrying its request id: nothing
  // logs per request at the default level, and the child cost every request an allocation. A route
  // with a log level of its own (GET /metrics) still gets its child.
  app.setChildLoggerFactory((logger, bindings, opts) => (opts.level ? logger.child(bindings, opts) : logger));
  app.addHook('onClose', onClose);
  app.removeContentTypeParser('text/plain');
  const notFound = notFoundHandler(() => app);
  app.setErrorHandler(errorHandler(ctx.log, notFound));
  app.addHook('preValidation', wellFormedRequest);
  app.setNotFoundHandler(notFound);
  await openApi(app);
  await metrics.register(app);
  orderRoute(app, ctx);
  orderStatusRoute(app, ctx);
  productRoute(app, ctx);
  healthRoutes(app, ctx);
  waitingRoomRoute(app);
  queueRoute(app, ctx);
  await adminRoutes(app, ctx);
  await app.ready();
  return app;
}

function announceRiskyModes(config: Config, log: Logger): void {
  if (config.broken.nonAtomicStock) {
    log.error({ mode: 'FLUXGATE_BROKEN_NON_ATOMIC_STOCK' }, 'DELIBERATELY BROKEN MODE ON: stock is read and written in two steps; concurrent buyers WILL OVERSELL. For the harness self-test only.');
  }
  if (config.broken.ackBeforeKafka) {
    log.error({ mode: 'FLUXGATE_BROKEN_ACK_BEFORE_KAFKA' }, 'DELIBERATELY BROKEN MODE ON: orders are acknowledged before Kafka acks and dropped when the produce fails; orders WILL BE LOST. For the harness self-test only.');
  }
  const more: [boolean, string, string][] = [
    [config.broken.noPerUserLimit, 'FLUXGATE_BROKEN_NO_PER_USER_LIMIT', 'the per-user limit is not enforced; a user WILL HOLD MORE UNITS than the limit'],
    [config.broken.ignoreIdempotencyKey, 'FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY', 'the Idempotency-Key is ignored; a retry WILL PLACE A SECOND ORDER'],
    [config.broken.doubleGiveBack, 'FLUXGATE_BROKEN_DOUBLE_GIVE_BACK', 'a refused produce gives its unit back twice; units WILL BE CREATED'],
    [config.broken.noGiveBack, 'FLUXGATE_BROKEN_NO_GIVE_BACK', 'a refused produce never gives its unit back; units WILL LEAK'],
    [config.broken.reseedIgnoresInFlight, 'FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT', 'a reseed ignores orders still on their way to PostgreSQL; the sale WILL OVERSELL after a reseed'],
    [config.broken.randomAdmission, 'FLUXGATE_BROKEN_RANDOM_ADMISSION', 'the waiting room admits tickets in a scrambled order; buyers WILL BE SERVED OUT OF TURN'],
    [config.broken.noFencing, 'FLUXGATE_BROKEN_NO_FENCING', 'takes wait for no Redis replica and a failover fences nothing; after a failover buyers told "accepted" WILL BE REJECTED'],
    [config.broken.leaderOnlyAcks, 'FLUXGATE_BROKEN_LEADER_ONLY_ACKS', 'orders are acked by the Kafka partition leader alone; a leader lost before its followers copied them WILL LOSE ORDERS'],
    [config.broken.crossSlotTake, 'FLUXGATE_BROKEN_CROSS_SLOT_TAKE', 'the take script touches a key outside its product\'s slot; on a Redis Cluster takes WILL BE REFUSED (CROSSSLOT)'],
  ];
  for (const [on, mode, what] of more) {
    if (on) log.error({ mode }, `DELIBERATELY BROKEN MODE ON: ${what}. For the harness self-test only.`);
  }
  if (config.adminTokenGenerated) {
    log.warn({ adminToken: config.adminToken }, 'ADMIN_TOKEN is not set: generated a token for this process; set ADMIN_TOKEN to choose one');
  }
}
