import { decodeOrderEvent, orderMessageLines, ordersTopic, type OrderEvent } from '@flux-gate/contracts';
import { Kafka, logLevel } from 'kafkajs';

/** Every order event of a product in the orders topic, read up to the current end on the direct brokers. */
export async function readOrderEvents(brokers: string[], productId: string): Promise<OrderEvent[]> {
  const kafka = new Kafka({ clientId: 'ingestion-api-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(ordersTopic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
  const events: OrderEvent[] = [];
  if (remaining.size === 0) return events;
  const consumer = kafka.consumer({ groupId: `test-${crypto.randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: ordersTopic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out reading the orders topic')), 20_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          for (const line of orderMessageLines(message.value)) {
            const event = decodeOrderEvent(line);
            if (event.productId === productId) events.push(event);
          }
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return events;
}
