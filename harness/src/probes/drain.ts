import { ordersTopic } from '@flux-gate/contracts';
import { kafkaLag } from './kafkaLag.ts';
import { pendingOrders } from './pendingOrders.ts';
import { abortableSleep } from '../runner/abortableSleep.ts';
import type { Stores } from './sampler.ts';

/** Orders the API took a unit for but has not settled with Kafka yet (its in-flight records). */
async function inFlight(stores: Stores, productIds: string[]): Promise<number> {
  const counts = await pendingOrders(stores.redis, productIds);
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Waits until the pipeline is empty: no order in flight between the API and Kafka (an instance
 * that died mid-request leaves one until another settles it), and the worker's consumer group has
 * committed every message of the orders topic. Returns the seconds it took, or null when the
 * timeout passed first.
 */
export async function drain(stores: Stores, productIds: string[], timeoutMs: number, signal: AbortSignal): Promise<{ seconds: number | null; lag: number; inFlight: number }> {
  const started = Date.now();
  let lag = Number.NaN;
  let pending = Number.NaN;
  while (!signal.aborted) {
    pending = await inFlight(stores, productIds).catch(() => Number.NaN);
    lag = await kafkaLag(stores.admin, stores.groupId, ordersTopic).then((l) => l.lag, () => Number.NaN);
    if (lag === 0 && pending === 0) return { seconds: (Date.now() - started) / 1000, lag, inFlight: pending };
    if (Date.now() - started >= timeoutMs) break;
    await abortableSleep(250, signal);
  }
  return { seconds: null, lag: Number.isNaN(lag) ? -1 : lag, inFlight: Number.isNaN(pending) ? -1 : pending };
}
