import { pathToFileURL } from 'node:url';
import { localProvider, waitFor } from '@flux-gate/harness';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { ensureOrdersTopic, loadConfig, migrate, startWorker } from '../src/index.ts';
import { newOrderEvent, produceOrders } from '../test/produceOrders.ts';
import { seedProducts } from '../test/seedProducts.ts';

export interface DrainRateOptions {
  /** Orders in the Kafka backlog. Default 100,000. */
  orders?: number;
  /** Products they are spread over, each with ample stock. Default 8. */
  products?: number;
  /** Extra worker environment (BATCH_MAX, FETCH_*, …) on top of the stack's endpoints. */
  workerEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface DrainRate {
  orders: number;
  seconds: number;
  ordersPerSec: number;
}

/**
 * Starts a stack, fills `orders` with a backlog, then starts the worker and times it from start
 * until every order is a row in PostgreSQL. Group join and migrations are inside the time.
 */
export async function measureDrainRate(opts: DrainRateOptions = {}): Promise<DrainRate> {
  const orders = opts.orders ?? 100_000;
  const productCount = opts.products ?? 8;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await using stack = await localProvider.start({ log: () => {} });
  const e = stack.endpoints;
  const db = new pg.Pool({ connectionString: e.postgresUrl });
  db.on('error', () => {}); // its idle connections are cut when the stack stops
  try {
    await migrate(db);
    await ensureOrdersTopic(new Kafka({ clientId: 'drain-rate', brokers: e.kafkaBrokers, logLevel: logLevel.NOTHING }), 4);
    const products = Array.from({ length: productCount }, (_, i) => `bench-${i}`);
    await seedProducts(e.postgresUrl, Object.fromEntries(products.map((p) => [p, orders])));
    log(`producing ${orders} orders over ${productCount} products`);
    const producing = performance.now();
    await produceOrders(
      e.kafkaBrokers,
      Array.from({ length: orders }, (_, i) => newOrderEvent(products[i % productCount]!, `user-${i}`)),
    );
    log(`produced in ${((performance.now() - producing) / 1000).toFixed(1)} s; starting the worker`);
    const config = loadConfig({ KAFKA_BROKERS: e.workerKafkaBrokers.join(','), DATABASE_URL: e.workerPostgresUrl, LOG_LEVEL: 'warn', ...opts.workerEnv });
    const started = performance.now();
    await using worker = await startWorker(config);
    await waitFor(
      async () => {
        const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
        if (rows[0]!.n < orders) throw new Error(`${rows[0]!.n} of ${orders} orders stored`);
      },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    const seconds = (performance.now() - started) / 1000;
    log(`worker stats: ${JSON.stringify(worker.stats())}`);
    return { orders, seconds, ordersPerSec: Math.round(orders / seconds) };
  } finally {
    await db.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureDrainRate({ orders: Number(process.argv[2] ?? 100_000) });
  console.log(`drained ${result.orders} orders in ${result.seconds.toFixed(2)} s: ${result.ordersPerSec} orders/s`);
}
