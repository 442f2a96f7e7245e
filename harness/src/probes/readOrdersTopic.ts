import { decodeOrderEvent, orderMessageLines, ordersTopic } from '@flux-gate/contracts';
import { readTopicToEnd } from '@flux-gate/stack';

/**
 * Reads the whole orders topic straight from the broker (a throwaway consumer group) and returns
 * orderId → "partition:offset" of its first appearance. The cross-check between what the API
 * answered and what reached Kafka.
 */
export async function readOrdersTopic(brokers: string[], timeoutMs = 30_000): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  await readTopicToEnd(
    brokers,
    ordersTopic,
    ({ partition, offset, value }) => {
      let lines: string[] = [];
      try {
        lines = orderMessageLines(value);
      } catch {
        /* not an order message: counted by the worker, not here */
      }
      for (const line of lines) {
        try {
          const { orderId } = decodeOrderEvent(line);
          found[orderId] ??= `${partition}:${offset}`;
        } catch {
          /* not an order event: counted by the worker, not here */
        }
      }
    },
    timeoutMs,
  );
  return found;
}
