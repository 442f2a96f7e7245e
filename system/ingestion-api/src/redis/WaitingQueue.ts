import { redisKeys } from '@flux-gate/contracts';
import type { RedisClient } from './connectRedis.ts';
import { CorkedWrites } from './CorkedWrites.ts';
import { queueScripts } from './queueScripts.ts';

type Arg = string | number;
interface QueueCommands {
  fluxgateQueueStatus(...args: Arg[]): Promise<string[]>;
  fluxgateQueueControl(...args: Arg[]): Promise<string[]>;
}

/** The queue's counters at one Redis time. */
export interface QueueCounters {
  remaining: number;
  issued: number;
  /** The serving counter, fractional: tickets numbered up to its floor are admitted. */
  serving: number;
  ratePerSec: number;
  paused: boolean;
}

export type TicketReading =
  | { kind: 'unarmed' }
  | { kind: 'stale' }
  | (QueueCounters & { kind: 'ok'; /** Redis time (ms) of the first admitted poll, or null. */ admittedAtMs: number | null; nowMs: number });

export type QueueAction = 'get' | 'pause' | 'resume' | 'rate';

const counters = (raw: string[]): QueueCounters => ({
  remaining: Math.max(0, Number(raw[1])),
  issued: Number(raw[2]),
  serving: Number(raw[3]),
  ratePerSec: Number(raw[4]),
  paused: raw[5] === '1',
});

/** The waiting room's Redis side besides the take: a ticket's state, and the admin's steering. */
export class WaitingQueue {
  readonly #redis: RedisClient & QueueCommands;
  readonly #writes: CorkedWrites;

  /** slack: how far the serving counter may run past the last ticket (see SaleGateOptions.queueSlack). */
  constructor(redis: RedisClient, readonly slack: number) {
    redis.defineCommand('fluxgateQueueStatus', queueScripts.status);
    redis.defineCommand('fluxgateQueueControl', queueScripts.control);
    this.#redis = redis as RedisClient & QueueCommands;
    // The polls of one event-loop turn share a socket write, as the takes do (see CorkedWrites).
    this.#writes = new CorkedWrites(redis, 32);
  }

  /** Reads a ticket of `epoch` admitted once the serving counter reaches `rank`. */
  async ticket(productId: string, epoch: string, ticket: number, rank: number): Promise<TicketReading> {
    const keys = [redisKeys.stock(productId), redisKeys.queue(productId), redisKeys.admitted(productId)];
    const raw = await this.#writes.run(() => this.#redis.fluxgateQueueStatus(...keys, rank, epoch, this.slack, ticket));
    if (raw[0] === 'unarmed' || raw[0] === 'stale') return { kind: raw[0] };
    const admittedAtMs = Number(raw[6]);
    return { kind: 'ok', ...counters(raw), admittedAtMs: admittedAtMs > 0 ? admittedAtMs : null, nowMs: Number(raw[7]) };
  }

  /** Reads or steers admission; null when the sale is not armed in Redis. */
  async control(productId: string, action: QueueAction, ratePerSec = 0): Promise<QueueCounters | null> {
    const raw = await this.#redis.fluxgateQueueControl(redisKeys.stock(productId), redisKeys.queue(productId), action, ratePerSec, this.slack);
    return raw[0] === 'unarmed' ? null : counters(raw);
  }
}
