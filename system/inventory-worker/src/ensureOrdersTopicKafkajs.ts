import { ordersTopic } from '@flux-gate/contracts';
import type { Kafka } from 'kafkajs';

/** Creates the `orders` topic with this many partitions unless it exists (created by anyone, at any time). */
export async function ensureOrdersTopic(kafka: Kafka, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(ordersTopic)) return;
    // A concurrent creator makes this answer false rather than throw.
    await admin.createTopics({ topics: [{ topic: ordersTopic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
