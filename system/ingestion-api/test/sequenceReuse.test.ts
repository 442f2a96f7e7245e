import { randomUUID } from 'node:crypto';
import { tracingChannel } from 'node:diagnostics_channel';
import { ordersTopic } from '@flux-gate/contracts';
import { compatibilityPartitioner, Producer, stringSerializer } from '@platformatic/kafka';
import { localProvider, readTopicToEnd, type StartedStack } from '@flux-gate/stack';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderProducer } from '../src/kafka/OrderProducer.ts';
import { delayApiKafkaAnswers } from './support/kafkaLink.ts';

let stack: StartedStack;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  const setup = new OrderProducer({ brokers: stack.endpoints.apiKafkaBrokers, clientId: 'sequence-reuse-setup', timeoutMs: 2_000, producers: 1, partitions: 1, log: pino({ level: 'silent' }) });
  await setup.ensureTopic();
  await setup.close();
});

afterAll(async () => {
  await delayApiKafkaAnswers(stack, 0);
  await stack?.stop();
});

/** The values in the orders topic that start with `tag`. */
const valuesTagged = async (tag: string): Promise<string[]> => {
  const values: string[] = [];
  await readTopicToEnd(stack.endpoints.kafkaBrokers, ordersTopic, ({ value }) => void (value?.toString().startsWith(tag) && values.push(value.toString())), 20_000);
  return values;
};

/** Larger than the broker's message.max.bytes: refused with MESSAGE_TOO_LARGE after the request was written. */
const tooLarge = Buffer.alloc(3 * 1024 * 1024, 'x');

describe('an idempotent @platformatic/kafka producer with two sends at once', () => {
  // A send takes its producer id when it starts and its sequence numbers once the topic's metadata
  // is at hand. A send that fails in between (here too large; in a leader change, one that ran out of
  // retries) resets the producer's sequences: the waiting send is numbered from 0 under the old
  // producer id, and the broker answers it as a duplicate of the id's first batch, with that batch's
  // offset, without writing it. OrderProducer therefore gives each producer one send at a time; should
  // this fail after an upgrade of the client, the client no longer does it.
  it('acks a send it never wrote when the other send fails while it waits for metadata', async () => {
    const producer = new Producer<string, Buffer, Buffer, Buffer>({
      clientId: 'sequence-reuse-test',
      bootstrapBrokers: stack.endpoints.apiKafkaBrokers,
      idempotent: true,
      acks: -1,
      retries: 2,
      autocreateTopics: false,
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializer },
    });
    try {
      const key = `reuse-${randomUUID().slice(0, 8)}`;
      const first = await producer.send({ messages: [{ topic: ordersTopic, key, value: Buffer.from(`${key}:first`) }] });
      const failing = producer.send({ messages: [{ topic: ordersTopic, key, value: tooLarge }] });
      // As every 5 s (metadataMaxAge) and after a NOT_LEADER_OR_FOLLOWER answer: the next send fetches
      // the topic's metadata before it is numbered.
      producer.clearMetadata();
      const waiting = producer.send({ messages: [{ topic: ordersTopic, key, value: Buffer.from(`${key}:second`) }] });
      await expect(failing).rejects.toThrow();
      const acked = await waiting;
      expect(acked.offsets?.[0]?.offset).toBe(first.offsets?.[0]?.offset);
      expect(await valuesTagged(key)).toEqual([`${key}:first`]);
    } finally {
      await producer.close();
    }
  });
});

describe('OrderProducer', () => {
  it('hands each producer one send at a time', async () => {
    const producer = new OrderProducer({ brokers: stack.endpoints.apiKafkaBrokers, clientId: 'one-send-at-a-time-test', timeoutMs: 5_000, producers: 2, partitions: 1, log: pino({ level: 'silent' }) });
    const sends = tracingChannel('plt:kafka:producer:sends');
    let open = 0;
    let most = 0;
    const none = () => undefined;
    const handlers = { start: () => void (most = Math.max(most, ++open)), asyncStart: () => void open--, end: none, asyncEnd: none, error: none };
    sends.subscribe(handlers);
    try {
      await producer.connect();
      await delayApiKafkaAnswers(stack, 200);
      const key = `serial-${randomUUID().slice(0, 8)}`;
      await Promise.all(Array.from({ length: 6 }, (_, i) => producer.send([{ key, value: Buffer.from(`${key}:${i}`) }])));
      expect(most).toBe(2);
    } finally {
      sends.unsubscribe(handlers);
      await delayApiKafkaAnswers(stack, 0);
      await producer.close();
    }
  });
});
