import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReplicaWait, SaleGate } from '@flux-gate/ingestion-api';
import { freePort, redisProcess } from '@flux-gate/stack';
import { Redis } from 'ioredis';

export interface DurabilityRun {
  label: string;
  takesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Takes no replica held in time (answered 503 by the API). */
  unreplicated: number;
}

export interface DurabilityResult {
  /** The take alone, as on a single Redis. */
  plain: DurabilityRun;
  /** The take, then WAIT 1 for the replica, as on the replicated shape. */
  waited: DurabilityRun;
  /** waited / plain, takes per second. */
  ratio: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * (h) The cost of the Redis durability step: the gate's take as the API runs it (the same SaleGate
 * and ReplicaWait), from `callers` concurrent callers in the bench process for durationS each, alone
 * and then followed by WAIT 1 against a replica of the stack's Redis started here. Both runs use
 * fencing (the replicated shape's take), so the ratio is the price of the WAIT.
 */
export async function durabilityPhase(opts: { redisBin: string; redisUrl: string; dir: string; durationS: number; callers: number; waitMs: number }): Promise<DurabilityResult> {
  mkdirSync(join(opts.dir, 'logs'), { recursive: true });
  const port = await freePort();
  const replica = redisProcess({ bin: opts.redisBin, name: 'bench-replica', port, replicaOf: { host: new URL(opts.redisUrl).hostname, port: Number(new URL(opts.redisUrl).port) }, dir: opts.dir, readyTimeoutMs: 20_000 });
  await replica.start();
  const redis = new Redis(opts.redisUrl, { autoResendUnfulfilledCommands: false });
  try {
    const gate = new SaleGate(redis, { perUserLimit: 1, ratePerSec: 1e9, burst: 1e9, answerTtlMs: 60_000, pendingTtlMs: 60_000, leaseMs: 60_000, queueSlack: 0, fencing: true });
    const wait = new ReplicaWait(redis, { replicas: 1, timeoutMs: opts.waitMs });
    const run = async (label: string, productId: string, durable: boolean): Promise<DurabilityRun> => {
      await gate.reset(productId, 1e9, new Map(), false, 1e9);
      const latencies: number[] = [];
      let unreplicated = 0;
      let n = 0;
      const until = performance.now() + opts.durationS * 1000;
      await Promise.all(
        Array.from({ length: opts.callers }, async (_, c) => {
          while (performance.now() < until) {
            const start = performance.now();
            const made = wait.connection();
            const answer = await gate.take(productId, `u${c}-${n++}`, `o${c}-${n}`, undefined);
            if (answer === 'ok' && durable && !(await wait.held(made))) unreplicated++;
            latencies.push(performance.now() - start);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return { label, takesPerSec: latencies.length / opts.durationS, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), unreplicated };
    };
    const plain = await run('take', 'durability-plain', false);
    const waited = await run('take + WAIT 1', 'durability-wait', true);
    return { plain, waited, ratio: waited.takesPerSec / plain.takesPerSec };
  } finally {
    redis.disconnect();
    await replica.stop();
  }
}
