import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisKeys } from '@flux-gate/contracts';
import { Cluster } from 'ioredis';
import type { RedisClient } from './connectRedis.ts';
import { orderIdTime } from '../orderIds.ts';
import { type ClaimedOrder, claimedOrder } from './ClaimedOrder.ts';
import { type AckedOrder, CommitQueue } from './CommitQueue.ts';
import { CorkedWrites } from './CorkedWrites.ts';
import { gateScripts } from './gateScripts.ts';
import { releaseArgs } from './releaseArgs.ts';
import { type BatchedTake, TakeBatches } from './TakeBatches.ts';

/** What the take script answered: see gateScripts.take. */
export type TakeAnswer = string;

/** The ticket of a verified admission token, passed to the take. */
export interface Admission {
  ticket: number;
  epoch: string;
}

/** Takes one unit for a user; the broken non-atomic mode supplies another implementation. */
export type TakeFn = (productId: string, userId: string, orderId: string, idempotencyKey: string | undefined, admission?: Admission) => Promise<TakeAnswer>;

export interface SaleGateOptions {
  perUserLimit: number;
  ratePerSec: number;
  burst: number;
  /** How long a stored first answer (and an accepted order's record) lives. */
  answerTtlMs: number;
  /** How long an in-flight answer lives if the instance dies before Kafka settles. */
  pendingTtlMs: number;
  /** Age after which an in-flight order nobody settled may be taken over. */
  leaseMs: number;
  /** How far the serving counter may run past the last ticket: 0, or the broken random-order mode's block. */
  queueSlack: number;
  /** Refuse takes ('fenced') on a sale armed on another primary than the current one, until it is rebuilt. */
  fencing: boolean;
}

type Arg = string | number;
interface GateCommands {
  fluxgateTakeMany(...args: Arg[]): Promise<TakeAnswer[]>;
  fluxgateCommit(...args: Arg[]): Promise<number>;
  fluxgateRelease(...args: Arg[]): Promise<number>;
  fluxgateReset(...args: Arg[]): Promise<number>;
  fluxgateClaim(...args: Arg[]): Promise<string | number>;
  fluxgateSweep(...args: Arg[]): Promise<string[]>;
}

const releaseAttempts = 5;
/** Commands per socket write under a burst (see CorkedWrites). */
const writeChunk = 32;
/** Takes of one product per script call under a burst (see TakeBatches): as for writes, Redis starts on the first ones while the API reads the next. */
const takeChunk = 32;
const hourMs = 3_600_000;
const hourStart = (ms: number) => Math.floor(ms / hourMs) * hourMs;
const hourOf = (orderId: string) => hourStart(orderIdTime(orderId) ?? Date.now());
const globChars = /[*?[\]\\]/g;

/** The Redis side of a sale: the atomic take, its commit or release, stock reads and resets. */
export class SaleGate {
  readonly #redis: RedisClient & GateCommands;
  readonly #takeArgs: [string, string, string, string];
  /** takeMany's ARGV before the takes' own: perUserLimit, ratePerSec, burst, pendingTtlMs, answerTtlMs, slack, fencing. */
  readonly #batchArgs: string[];
  readonly #takes: TakeBatches;
  readonly #fencing: string;
  readonly #pendingTtl: string;
  readonly #answerTtl: string;
  readonly #commits = new CommitQueue((productId, orders) => this.#commitBatch(productId, orders));
  readonly #writes: CorkedWrites;

  constructor(redis: RedisClient, readonly options: SaleGateOptions) {
    redis.defineCommand('fluxgateTakeMany', gateScripts.takeMany);
    redis.defineCommand('fluxgateCommit', gateScripts.commit);
    redis.defineCommand('fluxgateRelease', gateScripts.release);
    redis.defineCommand('fluxgateReset', gateScripts.reset);
    redis.defineCommand('fluxgateClaim', gateScripts.claim);
    redis.defineCommand('fluxgateSweep', gateScripts.sweep);
    this.#redis = redis as RedisClient & GateCommands;
    this.#writes = new CorkedWrites(redis, writeChunk);
    this.#takeArgs = [String(options.perUserLimit), String(options.ratePerSec), String(options.burst), String(options.queueSlack)];
    this.#fencing = options.fencing ? '1' : '0';
    this.#pendingTtl = String(options.pendingTtlMs);
    this.#answerTtl = String(options.answerTtlMs);
    const [limit, rate, burst, slack] = this.#takeArgs;
    this.#batchArgs = [limit, rate, burst, this.#pendingTtl, this.#answerTtl, slack, this.#fencing];
    this.#takes = new TakeBatches((productId, takes) => this.#takeMany(productId, takes), takeChunk, this.#writes);
  }

  /**
   * The atomic step: see gateScripts.take for the answers. The takes of one turn go to Redis together,
   * one takeMany call per product, each answered as if it ran alone in the order it was asked for.
   */
  readonly take: TakeFn = (productId, userId, orderId, idempotencyKey, admission) =>
    this.#takes.take(productId, {
      idempotencyKey: redisKeys.idempotency(productId, idempotencyKey ?? ''),
      argv: [userId, orderId, idempotencyKey === undefined ? '0' : '1', admission ? String(admission.ticket) : '', admission?.epoch ?? ''],
    });

  #takeMany(productId: string, takes: BatchedTake[]): Promise<TakeAnswer[]> {
    const args: Arg[] = [
      8 + takes.length,
      redisKeys.stock(productId),
      redisKeys.buyers(productId),
      redisKeys.bucket(productId),
      redisKeys.pending(productId),
      redisKeys.queue(productId),
      redisKeys.ticketOf(productId),
      redisKeys.tokensUsed(productId),
      redisKeys.primary(productId),
    ];
    for (const t of takes) args.push(t.idempotencyKey);
    args.push(...this.#batchArgs);
    for (const t of takes) args.push(...t.argv);
    return this.#redis.fluxgateTakeMany(...args);
  }

  /** The single-take script's KEYS (all of the product's slot) and ARGV for one take (see gateScripts.take), for the broken cross-slot take. */
  takeArguments(productId: string, userId: string, orderId: string, idempotencyKey: string | undefined, admission?: Admission): { keys: string[]; argv: string[] } {
    const [limit, rate, burst, slack] = this.#takeArgs;
    return {
      keys: [
        redisKeys.stock(productId),
        redisKeys.buyers(productId),
        redisKeys.bucket(productId),
        redisKeys.pending(productId),
        redisKeys.idempotency(productId, idempotencyKey ?? ''),
        redisKeys.queue(productId),
        redisKeys.ticketOf(productId),
        redisKeys.tokensUsed(productId),
        redisKeys.primary(productId),
      ],
      argv: [
        userId,
        orderId,
        limit,
        rate,
        burst,
        idempotencyKey === undefined ? '0' : '1',
        this.#pendingTtl,
        this.#answerTtl,
        admission ? String(admission.ticket) : '',
        admission?.epoch ?? '',
        slack,
        this.#fencing,
      ],
    };
  }

  /**
   * Kafka acked: the unit is sold, the first answer becomes "accepted", and the order is findable by
   * id. The commits of one turn of the event loop share one script call per product, and one HSET per
   * hour their ids were made in.
   */
  commit(productId: string, orderId: string, idempotencyKey: string | undefined): Promise<void> {
    return this.#commits.commit(productId, orderId, idempotencyKey);
  }

  async #commitBatch(productId: string, orders: AckedOrder[]): Promise<void> {
    const keys = [redisKeys.pending(productId)];
    const keyed: string[] = [];
    const others: string[] = [];
    const byHour = new Map<number, string[]>();
    for (const { orderId, idempotencyKey } of orders) {
      if (idempotencyKey === undefined) others.push(orderId);
      else {
        keys.push(redisKeys.idempotency(productId, idempotencyKey));
        keyed.push(orderId);
      }
      const hour = hourOf(orderId);
      let fields = byHour.get(hour);
      if (!fields) byHour.set(hour, (fields = []));
      fields.push(orderId, productId);
    }
    await this.#writes.run(() => {
      const markers = [...byHour].flatMap(([hour, fields]) => {
        const key = redisKeys.acceptedOrders(hour);
        return [this.#redis.hset(key, ...fields), this.#redis.pexpireat(key, hour + hourMs + this.options.answerTtlMs)];
      });
      return Promise.all([this.#redis.fluxgateCommit(keys.length, ...keys, this.#answerTtl, ...keyed, ...others), ...markers]);
    });
  }

  /**
   * Gives the unit of an order back, at most once, retrying a few times while Redis does not answer.
   * Resolves true if a unit went back on sale.
   */
  async release(productId: string, orderId: string, idempotencyKey: string | undefined): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const released = await this.#redis.fluxgateRelease(...releaseArgs(productId, orderId, idempotencyKey));
        return released === 1;
      } catch (err) {
        if (attempt >= releaseAttempts) throw err;
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  /**
   * Takes an in-flight order over once its lease ran out: resolves the claimed order, the ms left on
   * the lease, or null when the order is no longer in flight.
   */
  async claim(productId: string, orderId: string): Promise<ClaimedOrder | number | null> {
    const claimed = await this.#redis.fluxgateClaim(redisKeys.pending(productId), orderId, this.options.leaseMs);
    if (typeof claimed === 'string') return claimedOrder(productId, orderId, claimed);
    return claimed < 0 ? null : claimed;
  }

  /** Claims the orphans among about `count` in-flight orders from `cursor` on; cursor '0' when the scan is complete. */
  async sweep(productId: string, cursor: string, count: number): Promise<{ cursor: string; claimed: ClaimedOrder[] }> {
    const [next, ...pairs] = await this.#redis.fluxgateSweep(redisKeys.pending(productId), redisKeys.primary(productId), cursor, this.options.leaseMs, count, this.#fencing);
    const claimed: ClaimedOrder[] = [];
    for (let i = 0; i < pairs.length; i += 2) claimed.push(claimedOrder(productId, pairs[i]!, pairs[i + 1]!));
    return { cursor: next!, claimed };
  }

  /** The stored first answer for an Idempotency-Key, or null. */
  firstAnswer(productId: string, idempotencyKey: string): Promise<string | null> {
    return this.#redis.get(redisKeys.idempotency(productId, idempotencyKey));
  }

  /** Units left, or null when the sale is not armed in Redis. */
  async remaining(productId: string): Promise<number | null> {
    const raw = await this.#redis.get(redisKeys.stock(productId));
    return raw === null ? null : Math.max(0, Number(raw));
  }

  /** The product of an order this API accepted recently, or null. */
  async acceptedProduct(orderId: string): Promise<string | null> {
    const made = orderIdTime(orderId);
    return made === null ? null : this.#redis.hget(redisKeys.acceptedOrders(hourStart(made)), orderId);
  }

  /**
   * Sets the stock and the buyers of a sale in one step, emptying its bucket and in-flight record,
   * and starts an empty queue of a new epoch admitting `admissionRatePerSec`; records the primary it
   * ran on. With clearAnswers, also forgets every stored Idempotency-Key answer of the product.
   * A 'rebuild' happens only while the sale is fenced: resolves false when it no longer was.
   */
  async reset(productId: string, stock: number, buyers: ReadonlyMap<string, number>, clearAnswers: boolean, admissionRatePerSec: number, mode: 'arm' | 'rebuild' = 'arm'): Promise<boolean> {
    const done = await this.#redis.fluxgateReset(
      redisKeys.stock(productId),
      redisKeys.buyers(productId),
      redisKeys.bucket(productId),
      redisKeys.pending(productId),
      redisKeys.queue(productId),
      redisKeys.ticketOf(productId),
      redisKeys.admitted(productId),
      redisKeys.tokensUsed(productId),
      redisKeys.primary(productId),
      stock,
      JSON.stringify(Object.fromEntries(buyers)),
      randomBytes(8).toString('base64url'),
      admissionRatePerSec,
      mode,
    );
    if (done === 1 && clearAnswers) await this.#forgetAnswers(productId);
    return done === 1;
  }

  async #forgetAnswers(productId: string): Promise<void> {
    const match = redisKeys.idempotency(productId, '*').replace(/\*$/, '').replace(globChars, '\\$&') + '*';
    // On a Redis Cluster the product's keys live on the primary of its slot: each primary is scanned.
    for (const node of this.#redis instanceof Cluster ? this.#redis.nodes('master') : [this.#redis]) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        if (keys.length) await node.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  }
}
