import { appendFileSync } from 'node:fs';
import type { Admin } from '@platformatic/kafka';
import type { Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import { ordersTopic } from '@flux-gate/contracts';
import type { Sample } from '@flux-gate/run-format';
import { kafkaLag } from './kafkaLag.ts';
import { stockLeft } from './stockLeft.ts';

export interface Stores {
  /** A single Redis (or the primary the Sentinels name), or a Cluster client on the cluster topology. */
  redis: Redis | Cluster;
  pg: pg.Pool;
  admin: Admin;
  groupId: string;
}

/** Reads stock left in Redis, confirmed/rejected in PostgreSQL and the worker's Kafka lag. */
export async function takeSample(stores: Stores, productIds: string[]): Promise<Sample> {
  const settle = <T>(p: Promise<T>) => p.then((v) => v, () => null);
  const [stock, counts, lag] = await Promise.all([
    settle(stockLeft(stores.redis, productIds)),
    settle(stores.pg.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM orders WHERE product_id = ANY($1) GROUP BY status`, [productIds])),
    settle(kafkaLag(stores.admin, stores.groupId, ordersTopic)),
  ]);
  const byStatus = new Map(counts?.rows.map((r) => [r.status, Number(r.n)]) ?? []);
  return {
    ts: Date.now(),
    redisStock: stock ? stock.reduce((sum, v) => sum + (v === null ? 0 : Number(v)), 0) : null,
    pgConfirmed: counts ? (byStatus.get('confirmed') ?? 0) : null,
    pgRejected: counts ? (byStatus.get('rejected') ?? 0) : null,
    kafkaLag: lag ? lag.lag : null,
  };
}

/** Samples every `intervalMs` into samples.ndjson; `latest` feeds event-timed faults and progress. */
export class Sampler {
  latest: Sample | undefined;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  #productIds: string[] = [];

  constructor(
    private readonly stores: Stores,
    private readonly file: string,
    private readonly intervalMs = 500,
  ) {}

  /** Samples these products from now on (last-item rounds change them); the first call starts the timer. */
  watch(productIds: string[]): void {
    this.#productIds = productIds;
    this.#timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  async tick(): Promise<Sample | undefined> {
    if (this.#busy) return this.latest;
    this.#busy = true;
    try {
      this.latest = await takeSample(this.stores, this.#productIds);
      appendFileSync(this.file, `${JSON.stringify(this.latest)}\n`);
      return this.latest;
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
