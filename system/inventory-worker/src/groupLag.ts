import { ordersTopic } from '@flux-gate/contracts';
import type { Consumer } from '@platformatic/kafka';

/**
 * Messages of the orders topic the worker's group has not committed yet, summed over partitions: each
 * partition's end offset less the group's committed offset (a partition it never committed counts
 * from 0, the topic's start: nothing is ever deleted from it here).
 */
export async function groupLag(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>): Promise<number> {
  const ends = (await consumer.listOffsets({ topics: [ordersTopic] })).get(ordersTopic) ?? [];
  const partitions = ends.map((_, i) => i);
  const committed = (await consumer.listCommittedOffsets({ topics: [{ topic: ordersTopic, partitions }] })).get(ordersTopic) ?? [];
  return ends.reduce((lag, end, i) => {
    const at = committed[i] ?? -1n;
    return lag + Number(end - (at < 0n ? 0n : at));
  }, 0);
}
