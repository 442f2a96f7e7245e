import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiContext } from './ApiContext.ts';
import type { Config } from './config/loadConfig.ts';
import { createLogger } from './createLogger.ts';
import { ProductCatalog } from './db/ProductCatalog.ts';
import { SaleStore } from './db/SaleStore.ts';
import { errorHandler } from './http/errorHandler.ts';
import { sendError } from './http/sendError.ts';
import { OrderBatcher } from './kafka/OrderBatcher.ts';
import { OrderProducer } from './kafka/OrderProducer.ts';
import { connectRedis } from './redis/connectRedis.ts';
import { keyIgnoringTake } from './redis/keyIgnoringTake.ts';
import { nonAtomicTake } from './redis/nonAtomicTake.ts';
import { SaleGate, type TakeFn } from './redis/SaleGate.ts';
import { unguardedRelease } from './redis/unguardedRelease.ts';
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
function takeOf(config: Config, redis: Redis, gate: SaleGate): TakeFn {
  if (config.broken.nonAtomicStock) return nonAtomicTake(redis);
  if (config.broken.ignoreIdempotencyKey) return keyIgnoringTake(gate.take);
  return gate.take;
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
    const redis = await connectRedis(config.redisUrl, config.timeouts.redisMs, log.child({ part: 'redis' })).catch((err) => {
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
      log: log.child({ part: 'kafka' }),
    });
    closers.push(() => producer.close());
    await Promise.all([producer.ensureTopic(), producer.connect()]).catch((err) => {
      throw new StartupError('Kafka', config.kafkaBrokers.join(','), 'KAFKA_BROKERS', err);
    });

    const batcher = new OrderBatcher({
      send: producer.send,
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
    });
    const catalog = new ProductCatalog(store);
    const takeover = new OrderTakeover(batcher, gate, log.child({ part: 'takeover' }));
    if (config.takeover.sweepMs > 0) {
      const sweeper = new OrphanSweeper({ gate, catalog, takeover, log: log.child({ part: 'sweeper' }), intervalMs: config.takeover.sweepMs, pageSize: 200 });
      sweeper.start();
      closers.push(() => sweeper.stop());
    }
    const ctx: ApiContext = {
      config,
      log,
      redis,
      gate,
      take: takeOf(config, redis, gate),
      release: config.broken.doubleGiveBack ? unguardedRelease(redis) : (productId, orderId, key) => gate.release(productId, orderId, key),
      producer,
      batcher,
      takeover,
      store,
      catalog,
      queue: new WaitingQueue(redis, queueSlack),
      signer: new QueueSigner(config.waitingRoom.secret),
    };
    const app = await fastifyApp(ctx, closeAll);
    return { app, log, close: () => app.close() };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function fastifyApp(ctx: ApiContext, onClose: () => Promise<void>): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ part: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimitBytes,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false } },
    // A queue ticket carries its product id (up to 64 characters) in base64url.
    routerOptions: { maxParamLength: 256 },
  });
  app.addHook('onClose', onClose);
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler(ctx.log));
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'not_found'));
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
    [config.broken.reseedIgnoresInFlight, 'FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT', 'a reseed ignores orders still on their way to PostgreSQL; the sale WILL OVERSELL after a reseed'],
    [config.broken.randomAdmission, 'FLUXGATE_BROKEN_RANDOM_ADMISSION', 'the waiting room admits tickets in a scrambled order; buyers WILL BE SERVED OUT OF TURN'],
  ];
  for (const [on, mode, what] of more) {
    if (on) log.error({ mode }, `DELIBERATELY BROKEN MODE ON: ${what}. For the harness self-test only.`);
  }
  if (config.adminTokenGenerated) {
    log.warn({ adminToken: config.adminToken }, 'ADMIN_TOKEN is not set: generated a token for this process; set ADMIN_TOKEN to choose one');
  }
}
