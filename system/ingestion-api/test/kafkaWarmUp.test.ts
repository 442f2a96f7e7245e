import { ordersTopic } from '@flux-gate/contracts';
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderProducer, warmupTopic } from '../src/kafka/OrderProducer.ts';

let stack: StartedStack;
let producer: OrderProducer;
let admin: Admin;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  producer = new OrderProducer({ brokers: stack.endpoints.apiKafkaBrokers, clientId: 'warm-up-test', timeoutMs: 2000, producers: 2, partitions: 4, log: pino({ level: 'silent' }) });
  await producer.ensureTopic();
  await producer.connect();
  admin = new Admin({ clientId: 'warm-up-test-admin', bootstrapBrokers: stack.endpoints.kafkaBrokers });
});

afterAll(async () => {
  await admin?.close();
  await producer?.close();
  await stack?.stop();
});

/** The end offsets of a topic's partitions, in partition order: the records each holds. */
async function perPartition(topic: string, partitions: number): Promise<number[]> {
  const [offsets] = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: ListOffsetTimestamps.LATEST })) }] });
  return [...(offsets?.partitions ?? [])].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => Number(p.offset));
}

/** The records a topic holds, over its partitions. */
async function records(topic: string, partitions: number): Promise<number> {
  return (await perPartition(topic, partitions)).reduce((n, r) => n + r, 0);
}

describe('OrderProducer.warmUp', () => {
  it('sends on every producer to every partition of the warm-up topic it creates, and nothing to the orders topic', async () => {
    await producer.warmUp(5);
    // As many partitions as the orders topic, so every broker leading an orders partition leads one;
    // each producer's 5 sends go to partitions 0, 1, 2, 3, 0.
    expect((await admin.metadata({ topics: [warmupTopic] })).topics.get(warmupTopic)?.partitionsCount).toBe(4);
    expect(await perPartition(warmupTopic, 4)).toEqual([4, 2, 2, 2]);
    // Twice is fine: the topic is there already.
    await producer.warmUp(2);
    expect(await perPartition(warmupTopic, 4)).toEqual([6, 4, 2, 2]);
    expect(await records(ordersTopic, 4)).toBe(0);
    // The producers still carry orders afterwards.
    await producer.send([{ key: 'p1', value: Buffer.from('{}') }]);
    expect(await records(ordersTopic, 4)).toBe(1);
  });

  it("lets an order's send take turns with the warm-up, rather than wait for all of it", async () => {
    let warmedUp = false;
    const warming = producer.warmUp(20).then(() => (warmedUp = true));
    await producer.send([{ key: 'p2', value: Buffer.from('{}') }]);
    // Each producer had made at most one warm-up send of its 20 when the order took it.
    expect(warmedUp).toBe(false);
    await warming;
    expect(await records(warmupTopic, 4)).toBe(54);
    expect(await records(ordersTopic, 4)).toBe(2);
  });
});
