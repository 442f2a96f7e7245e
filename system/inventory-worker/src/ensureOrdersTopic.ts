import { ordersTopic } from '@flux-gate/contracts';
import type { Kafka } from 'kafkajs';

/** Creates the `orders` topic with this many partitions unless it exists (kafkajs answers false then). */
export async function ensureOrdersTopic(kafka: Kafka, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: ordersTopic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
