import { describe, expect, it, vi } from 'vitest';
import { KafkaNotSent } from '../src/kafka/KafkaNotSent.ts';
import type { OrderRecord } from '../src/kafka/OrderBatcher.ts';
import { OrderBatcher } from '../src/kafka/OrderBatcher.ts';

/** A batcher whose sends are recorded and settle when the test says so. */
function recordingBatcher(options: { lingerMs: number; maxBatch?: number; maxInFlight?: number }) {
  const sends: Array<{ messages: OrderRecord[]; ack: () => void; fail: (err: Error) => void }> = [];
  const batcher = new OrderBatcher({
    lingerMs: options.lingerMs,
    maxBatch: options.maxBatch ?? 1_000,
    maxInFlight: options.maxInFlight ?? 1,
    timeoutMs: 5_000,
    send: (messages) => new Promise<void>((resolve, reject) => sends.push({ messages, ack: resolve, fail: reject })),
  });
  return { batcher, sends };
}
const order = (n: number): OrderRecord => ({ key: 'p', value: Buffer.from(String(n)) });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('OrderBatcher', () => {
  it('with lingerMs 0, sends what one event-loop turn added as one batch, at the end of that turn', async () => {
    const { batcher, sends } = recordingBatcher({ lingerMs: 0 });
    const fates = [1, 2, 3].map((n) => batcher.add(order(n)));
    expect(sends).toHaveLength(0);
    await turn();
    expect(sends.map((s) => s.messages.length)).toEqual([3]);
    sends[0]!.ack();
    await Promise.all(fates.map((f) => f.answer));
    expect(await fates[0]!.settled).toBe('acked');
  });

  it('settles a send refused before any request left as refused, and any other failed send as open', async () => {
    const { batcher, sends } = recordingBatcher({ lingerMs: 0, maxInFlight: 2 });
    const refused = batcher.add(order(1));
    await turn();
    const open = batcher.add(order(2));
    await turn();
    sends[0]!.fail(new KafkaNotSent(new Error('connect ECONNREFUSED')));
    sends[1]!.fail(new Error('Connection error: connect ECONNREFUSED'));
    await expect(refused.answer).rejects.toBeInstanceOf(KafkaNotSent);
    expect([await refused.settled, await open.settled]).toEqual(['refused', 'open']);
  });

  it('while every send slot is busy, gathers orders into the next batch and sends it when a slot frees', async () => {
    const { batcher, sends } = recordingBatcher({ lingerMs: 0, maxInFlight: 1 });
    batcher.add(order(1));
    await turn();
    for (let n = 2; n <= 5; n++) {
      batcher.add(order(n));
      await turn();
    }
    expect(sends.map((s) => s.messages.length)).toEqual([1]);
    sends[0]!.ack();
    await turn();
    expect(sends.map((s) => s.messages.length)).toEqual([1, 4]);
    sends[1]!.ack();
    await batcher.close();
  });

  it('with lingerMs > 0, waits that long for company', async () => {
    // Fake timers: on a busy machine a real 5 ms sleep can outlast the 30 ms linger.
    vi.useFakeTimers();
    try {
      const { batcher, sends } = recordingBatcher({ lingerMs: 30 });
      batcher.add(order(1));
      vi.advanceTimersByTime(20);
      batcher.add(order(2));
      vi.advanceTimersByTime(9);
      expect(sends).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(sends.map((s) => s.messages.length)).toEqual([2]);
      sends[0]!.ack();
      await batcher.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts unsettled messages by key, queued or sent, until their send settled, acked or not', async () => {
    const { batcher, sends } = recordingBatcher({ lingerMs: 0, maxInFlight: 1 });
    const of = (key: string, n: number): OrderRecord => ({ key, value: Buffer.from(String(n)) });
    batcher.add(of('p', 1));
    batcher.add(of('q', 2));
    await turn();
    // Sent: p 1 and q 2; queued behind the busy slot: p 3.
    batcher.add(of('p', 3));
    const before = batcher.unsettledByKey();
    expect(before).toEqual(new Map([['p', 2], ['q', 1]]));
    sends[0]!.fail(new Error('Connection error'));
    await turn();
    // A copy: what settled since does not change it.
    expect(before.get('q')).toBe(1);
    expect(batcher.unsettledByKey()).toEqual(new Map([['p', 1]]));
    expect(batcher.unsettled).toBe(1);
    sends[1]!.ack();
    await batcher.close();
    expect(batcher.unsettledByKey().size).toBe(0);
  });
});
