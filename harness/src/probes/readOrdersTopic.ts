import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { decodeOrderEvent, orderMessageLines, ordersTopic } from '@flux-gate/contracts';
import { abortableSleep } from '../runner/abortableSleep.ts';

/**
 * Reads the whole orders topic straight from the broker (a throwaway consumer group) and returns
 * orderId → "partition:offset" of its first appearance. The cross-check between what the API
 * answered and what reached Kafka.
 */
export async function readOrdersTopic(brokers: string[], timeoutMs = 30_000): Promise<Record<string, string>> {
  const kafka = new Kafka({ clientId: 'flux-gate-cross-check', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(ordersTopic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  const found: Record<string, string> = {};
  if (remaining.size === 0) return found;
  const consumer = kafka.consumer({ groupId: `cross-check-${randomUUID()}`, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: ordersTopic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          let lines: string[] = [];
          try {
            lines = orderMessageLines(m.value);
          } catch {
            /* not an order message: counted by the worker, not here */
          }
          for (const line of lines) {
            try {
              const { orderId } = decodeOrderEvent(line);
              found[orderId] ??= `${batch.partition}:${m.offset}`;
            } catch {
              /* not an order event: counted by the worker, not here */
            }
          }
        }
        const end = remaining.get(batch.partition);
        if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) remaining.delete(batch.partition);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (remaining.size > 0 && Date.now() < deadline) await abortableSleep(50, new AbortController().signal);
    if (remaining.size > 0) throw new Error(`the orders topic was not read to its end within ${timeoutMs / 1000}s`);
    return found;
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}
