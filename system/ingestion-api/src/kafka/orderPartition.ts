import { ordersTopic } from '@flux-gate/contracts';
import { compatibilityPartitioner } from '@platformatic/kafka';

/**
 * The partition of `orders` that holds a product's orders: Java's default partitioner, the murmur2
 * hash of the key's UTF-8 bytes made non-negative, modulo the topic's partition count. The API's
 * producer sets it on every order it sends, and a fenced sale's rebuild reads the worker group's lag
 * of this partition alone, so the two cannot disagree on where a product's orders are.
 */
export function orderPartition(productId: string, partitionsCount: number): number {
  if (!Number.isInteger(partitionsCount) || partitionsCount < 1) throw new Error(`orderPartition: partitionsCount must be a positive integer, got ${partitionsCount}`);
  return compatibilityPartitioner({ topic: ordersTopic }, Buffer.from(productId, 'utf8')) % partitionsCount;
}
