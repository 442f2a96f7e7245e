import { randomUUID } from 'node:crypto';
import { encodeOrderEvent, ordersTopic, type OrderEvent } from '@flux-gate/contracts';
import { compatibilityPartitioner, Producer, stringSerializer, type TopicWithPartitionAndOffset } from '@platformatic/kafka';

/** A fresh order event for this user and product. */
export function newOrderEvent(productId: string, userId: string): OrderEvent {
  return { orderId: randomUUID(), userId, productId, quantity: 1, acceptedAt: new Date().toISOString() };
}

/**
 * Produces order events (or raw values) to `orders`, keyed by product id, acks=all, in chunks.
 * Resolves to each send's partition and base offset: the messages of one key in one chunk sit at
 * consecutive offsets from there.
 */
export async function produceOrders(brokers: string[], events: (OrderEvent | { productId: string; raw: string })[], chunk = 10_000): Promise<TopicWithPartitionAndOffset[]> {
  const producer = new Producer({ clientId: 'inventory-worker-test', bootstrapBrokers: brokers, partitioner: compatibilityPartitioner, serializers: { key: stringSerializer } });
  const sent: TopicWithPartitionAndOffset[] = [];
  try {
    for (let i = 0; i < events.length; i += chunk) {
      const messages = events.slice(i, i + chunk).map((e) => ({ topic: ordersTopic, key: e.productId, value: 'raw' in e ? Buffer.from(e.raw) : encodeOrderEvent(e) }));
      sent.push(...((await producer.send({ acks: -1, messages })).offsets ?? []));
    }
    return sent;
  } finally {
    await producer.close();
  }
}
