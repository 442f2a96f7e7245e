import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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
  // Its ack timeout is shorter than the broker pause below.
  producer = new OrderProducer({ brokers: stack.endpoints.apiKafkaBrokers, clientId: 'concurrent-sends-test', timeoutMs: 500, producers: 1, partitions: 4, log: pino({ level: 'silent' }) });
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
  const orders = Array.from({ length: n }, (_, i) => ({ orderId: randomUUID(), userId: `u${i}`, productId, quantity: 1 as const, acceptedAt: new Date().toISOString() }));
  return { ids: orders.map((o) => o.orderId), records: orders.map((o) => ({ key: productId, value: encodeOrderEvent(o) })) };
};
const landed = async (productId: string) => (await readOrderEvents(stack.endpoints.kafkaBrokers, productId)).map((e) => e.orderId).sort();

describe('one idempotent producer', () => {
  // The earlier Kafka client numbered a send from the sequence its last acked send left: the second
  // of two sends in flight could reuse the first one's sequence numbers and be dropped as a duplicate.
  it('lands every one of several sends in flight at once, on one partition and on several', async () => {
    const p = `concurrent-${randomUUID().slice(0, 8)}`;
    const q = `concurrent-${randomUUID().slice(0, 8)}`;
    const sends = [batch(p, 3), batch(p, 2), batch(q, 4), batch(p, 1)];
    await Promise.all(sends.map((s) => producer.send(s.records)));
    expect(await landed(p)).toEqual([...sends[0]!.ids, ...sends[1]!.ids, ...sends[3]!.ids].sort());
    expect(await landed(q)).toEqual([...sends[2]!.ids].sort());
  });

  // What chaos-mix seed 3 found on the earlier client: a send that timed out while the broker was paused was
  // retried, a later send took its sequence numbers, and the broker acked the later one as a duplicate.
  it('lands every acked send when the broker pauses for longer than the ack timeout with sends in flight', async () => {
    const p = `paused-${randomUUID().slice(0, 8)}`;
    const sends = Array.from({ length: 6 }, () => batch(p, 3));
    const sent: Promise<void>[] = [];
    sent.push(producer.send(sends[0]!.records));
    stack.processes.kafka.pause();
    try {
      for (const s of sends.slice(1, 4)) {
        sent.push(producer.send(s.records));
        await sleep(500);
      }
    } finally {
      stack.processes.kafka.resume();
    }
    for (const s of sends.slice(4)) sent.push(producer.send(s.records));
    const outcomes = await Promise.allSettled(sent);
    const acked = sends.filter((_, i) => outcomes[i]!.status === 'fulfilled').flatMap((s) => s.ids);
    expect(acked.length).toBeGreaterThan(0);
    const inTopic = new Set(await landed(p));
    expect(acked.filter((id) => !inTopic.has(id))).toEqual([]);
  });

  // The earlier client rolled its sequence numbers back after a failed send, so the producer was replaced.
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
