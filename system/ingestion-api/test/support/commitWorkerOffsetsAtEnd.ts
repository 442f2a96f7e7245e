import { ordersTopic } from '@flux-gate/contracts';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Commits the worker group's offsets at the end of the orders topic, as a worker that has stored
 * every order would have (no worker runs in these tests).
 */
export async function commitWorkerOffsetsAtEnd(brokers: string[], groupId = 'inventory-worker'): Promise<void> {
  const admin = new Kafka({ clientId: 'ingestion-api-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(ordersTopic);
    await admin.setOffsets({ groupId, topic: ordersTopic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
}
