import type { RedisClient } from './redis/connectRedis.ts';
import type { Logger } from 'pino';
import type { Config } from './config/loadConfig.ts';
import type { ProductCatalog } from './db/ProductCatalog.ts';
import type { SaleStore } from './db/SaleStore.ts';
import type { OrderBatcher } from './kafka/OrderBatcher.ts';
import type { OrderProducer } from './kafka/OrderProducer.ts';
import type { ReplicaWaiter } from './redis/ReplicaWait.ts';
import type { SaleGate, TakeFn } from './redis/SaleGate.ts';
import type { SaleRebuilder } from './redis/SaleRebuilder.ts';
import type { WaitingQueue } from './redis/WaitingQueue.ts';
import type { ReleaseFn } from './redis/unguardedRelease.ts';
import type { OrderTakeover } from './takeover/OrderTakeover.ts';
import type { QueueSigner } from './waitingRoom/QueueSigner.ts';

/** The connected parts the routes work with. */
export interface ApiContext {
  config: Config;
  log: Logger;
  redis: RedisClient;
  gate: SaleGate;
  /** The gate's atomic take, or a broken one (non-atomic, or ignoring the Idempotency-Key) when that mode is on. */
  take: TakeFn;
  /** The gate's once-only give-back, or the broken unguarded one when that mode is on. */
  release: ReleaseFn;
  producer: OrderProducer;
  batcher: OrderBatcher;
  takeover: OrderTakeover;
  /** Orders accepted but not yet in PostgreSQL: in the worker's lag, or still being sent (or sent again) by this instance. */
  inFlight: () => Promise<number>;
  /** Present when takes must be held by Redis replicas (WAIT) before they are answered. */
  replicaWait?: ReplicaWaiter;
  /** Rebuilds a fenced sale from PostgreSQL. */
  rebuilder: SaleRebuilder;
  store: SaleStore;
  catalog: ProductCatalog;
  /** The waiting room's ticket reads and admin steering. */
  queue: WaitingQueue;
  /** Signs and checks tickets and admission tokens. */
  signer: QueueSigner;
}
