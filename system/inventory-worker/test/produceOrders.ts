import { randomUUID } from 'node:crypto';
import { encodeOrderEvent, ordersTopic, type OrderEvent } from '@flux-gate/contracts';
import { Kafka, logLevel, Partitioners, type RecordMetadata } from 'kafkajs';

/** A fresh order event for this user and product. */
export function newOrderEvent(productId: string, userId: string): OrderEvent {
  return { orderId: randomUUID(), userId, productId, quantity: 1, acceptedAt: new Date().toISOString() };
}

/**
 * Produces order events (or raw values) to `orders`, keyed by product id, acks=all, in chunks.
 * Resolves to each send's metadata: the messages of one key in one chunk sit at consecutive offsets
 * from their partition's baseOffset.
 */
export async function produceOrders(brokers: string[], events: (OrderEvent | { productId: string; raw: string })[], chunk = 10_000): Promise<RecordMetadata[]> {
  const kafka = new Kafka({ clientId: 'inventory-worker-test', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const sent: RecordMetadata[] = [];
  try {
    for (let i = 0; i < events.length; i += chunk) {
      const messages = events.slice(i, i + chunk).map((e) => ({ key: e.productId, value: 'raw' in e ? e.raw : encodeOrderEvent(e) }));
      sent.push(...(await producer.send({ topic: ordersTopic, acks: -1, messages })));
    }
    return sent;
  } finally {
    await producer.disconnect();
  }
}
