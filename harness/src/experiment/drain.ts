import { ordersTopic } from '@flux-gate/contracts';
import { kafkaLag } from '../system/kafkaLag.ts';
import { abortableSleep } from './abortableSleep.ts';
import type { Stores } from './sampler.ts';

/**
 * Waits until the worker's consumer group has committed every message of the orders topic.
 * Returns the seconds it took, or null when the timeout passed first.
 */
export async function drain(stores: Stores, timeoutMs: number, signal: AbortSignal): Promise<{ seconds: number | null; lag: number }> {
  const started = Date.now();
  let lag = Number.NaN;
  while (!signal.aborted) {
    lag = await kafkaLag(stores.admin, stores.groupId, ordersTopic).then((l) => l.lag, () => Number.NaN);
    if (lag === 0) return { seconds: (Date.now() - started) / 1000, lag };
    if (Date.now() - started >= timeoutMs) break;
    await abortableSleep(250, signal);
  }
  return { seconds: null, lag: Number.isNaN(lag) ? -1 : lag };
}
