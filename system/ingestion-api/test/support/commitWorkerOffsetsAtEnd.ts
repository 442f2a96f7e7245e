import { ordersTopic } from '@flux-gate/contracts';
import { setCommittedOffsets, topicOffsets } from '@flux-gate/stack';
import { Admin } from '@platformatic/kafka';

/**
 * Commits the worker group's offsets at the end of the orders topic, as a worker that has stored
 * every order would have (no worker runs in these tests).
 */
export async function commitWorkerOffsetsAtEnd(brokers: string[], groupId = 'inventory-worker'): Promise<void> {
  const admin = new Admin({ clientId: 'ingestion-api-test', bootstrapBrokers: brokers });
  try {
    const ends = await topicOffsets(admin, ordersTopic);
    await setCommittedOffsets(admin, groupId, ordersTopic, ends.map((p) => ({ partition: p.partition, offset: p.high })));
  } finally {
    await admin.close();
  }
}
