import { randomUUID } from 'node:crypto';
import { Admin, Consumer, ListOffsetTimestamps } from '@platformatic/kafka';

/** One partition's first and next offset. */
export interface PartitionOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

/** Each partition's earliest and end offset (the next offset to be written). */
export async function topicOffsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  const { partitionsCount } = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)!;
  const at = async (timestamp: bigint) => {
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: partitionsCount }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  const [low, high] = await Promise.all([at(ListOffsetTimestamps.EARLIEST), at(ListOffsetTimestamps.LATEST)]);
  return Array.from({ length: partitionsCount }, (_, partition) => ({ partition, low: low.get(partition) ?? 0n, high: high.get(partition) ?? 0n }));
}

/** A consumer group's committed offset of each partition of the topic that has one. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return new Map(partitions.filter((p) => p.committedOffset >= 0n).map((p) => [p.partitionIndex, p.committedOffset]));
}

/** Sets a consumer group's committed offsets (the group must have no member). */
export async function setCommittedOffsets(admin: Admin, groupId: string, topic: string, offsets: { partition: number; offset: bigint }[]): Promise<void> {
  await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: offsets }] });
}

/**
 * Reads a topic from its start up to the end it has now, handing each message to `each` in offset
 * order within its partition. Uses a throwaway consumer group and commits nothing.
 */
export async function readTopicToEnd(
  brokers: string[],
  topic: string,
  each: (message: { partition: number; offset: bigint; value: Buffer | null }) => void,
  timeoutMs = 30_000,
): Promise<void> {
  const admin = new Admin({ clientId: 'flux-gate-reader', bootstrapBrokers: brokers });
  const ends = await topicOffsets(admin, topic).finally(() => admin.close());
  const remaining = new Map(ends.filter((p) => p.high > p.low).map((p) => [p.partition, p.high]));
  if (remaining.size === 0) return;
  const consumer = new Consumer({ clientId: 'flux-gate-reader', bootstrapBrokers: brokers, groupId: `reader-${randomUUID()}`, maxBytes: 16 * 1024 * 1024 });
  consumer.on('error', () => {});
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const timer = setTimeout(() => stream.destroy(new Error(`the ${topic} topic was not read to its end within ${timeoutMs / 1000}s`)), timeoutMs);
    try {
      for await (const m of stream) {
        each({ partition: m.partition, offset: m.offset, value: m.value ?? null });
        if (m.offset + 1n >= (remaining.get(m.partition) ?? 0n)) remaining.delete(m.partition);
        if (remaining.size === 0) break;
      }
    } finally {
      clearTimeout(timer);
    }
    if (remaining.size > 0) throw new Error(`the ${topic} topic ended before its end offsets`);
  } finally {
    await consumer.close(true).catch(() => {});
  }
}
