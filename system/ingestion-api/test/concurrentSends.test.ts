import { randomUUID } from 'node:crypto';
import { encodeOrderEvent } from '@flux-gate/contracts';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderProducer } from '../src/kafka/OrderProducer.ts';
import { setApiKafkaLink } from './support/kafkaLink.ts';
import { readOrderEvents } from './support/readOrderEvents.ts';

let stack: StartedStack;
let producer: OrderProducer;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  // One idempotent producer: every send below shares its producer id and sequence numbers.
  producer = new OrderProducer({ brokers: stack.endpoints.apiKafkaBrokers, clientId: 'concurrent-sends-test', timeoutMs: 2_000, producers: 1, partitions: 4, log: pino({ level: 'silent' }) });
  await producer.ensureTopic();
  await producer.connect();
});

afterAll(async () => {
  await setApiKafkaLink(stack, true);
  await producer?.close();
  await stack?.stop();
});

/** A batch of `n` orders of one product, and their ids. */
const batch = (productId: string, n: number) => {
  const orders = Array.from({ length: n }, (_, i) => ({ orderId: randomUUID(), userId: `u${i}`, productId, quantity: 1, acceptedAt: new Date().toISOString() }));
  return { ids: orders.map((o) => o.orderId), records: orders.map((o) => ({ key: productId, value: encodeOrderEvent(o) })) };
};
const landed = async (productId: string) => (await readOrderEvents(stack.endpoints.kafkaBrokers, productId)).map((e) => e.orderId).sort();

describe('one idempotent producer', () => {
  // kafkajs numbered a send from the sequence its last acked send left: the second of two sends in
  // flight reused the first one's sequence numbers, was acked as a duplicate and dropped.
  it('lands every one of several sends in flight at once, on one partition and on several', async () => {
    const p = `concurrent-${randomUUID().slice(0, 8)}`;
    const q = `concurrent-${randomUUID().slice(0, 8)}`;
    const sends = [batch(p, 3), batch(p, 2), batch(q, 4), batch(p, 1)];
    await Promise.all(sends.map((s) => producer.send(s.records)));
    expect(await landed(p)).toEqual([...sends[0]!.ids, ...sends[1]!.ids, ...sends[3]!.ids].sort());
    expect(await landed(q)).toEqual([...sends[2]!.ids].sort());
  });

  // kafkajs rolled its sequence numbers back after a failed send, so the producer was replaced.
  it('after a send failed, lands the next sends on the same producer', async () => {
    const p = `after-failure-${randomUUID().slice(0, 8)}`;
    await setApiKafkaLink(stack, false);
    await expect(producer.send(batch(p, 2).records)).rejects.toThrow();
    await setApiKafkaLink(stack, true);
    const sends = [batch(p, 2), batch(p, 3)];
    await Promise.all(sends.map((s) => producer.send(s.records)));
    expect(await landed(p)).toEqual([...sends[0]!.ids, ...sends[1]!.ids].sort());
  });
});
