import { decodeOrderEvent, orderMessageLines } from '@flux-gate/contracts';
import type { KafkaMessage } from 'kafkajs';
import type { PendingOrder, SkippedMessage } from './PendingOrder.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function check(event: ReturnType<typeof decodeOrderEvent>): string | undefined {
  if (!uuid.test(event.orderId)) return 'orderId is not a uuid';
  if (Number.isNaN(Date.parse(event.acceptedAt))) return 'acceptedAt is not a time';
  if (event.userId.includes('\u0000') || event.productId.includes('\u0000')) return 'id contains a NUL byte';
  return undefined;
}

/**
 * Decodes a partition's messages, each holding one or more orders (one per line), in order. An order
 * PostgreSQL would refuse (and so block the partition forever) is returned as skipped instead.
 */
export function toPendingOrders(partition: number, messages: KafkaMessage[]): { orders: PendingOrder[]; skipped: SkippedMessage[] } {
  const orders: PendingOrder[] = [];
  const skipped: SkippedMessage[] = [];
  for (const message of messages) {
    let lines: string[];
    try {
      lines = orderMessageLines(message.value);
    } catch (err) {
      skipped.push({ partition, offset: message.offset, reason: 'malformed', detail: (err as Error).message });
      continue;
    }
    for (const line of lines) decodeLine(line, partition, message.offset, orders, skipped);
  }
  return { orders, skipped };
}

function decodeLine(line: string, partition: number, offset: string, orders: PendingOrder[], skipped: SkippedMessage[]): void {
  try {
    const event = decodeOrderEvent(line);
    const problem = check(event);
    if (problem) {
      skipped.push({ partition, offset, reason: 'malformed', detail: problem, orderId: event.orderId });
      return;
    }
    orders.push({
      orderId: event.orderId,
      userId: event.userId,
      productId: event.productId,
      partition,
      offset,
      acceptedAt: new Date(event.acceptedAt).toISOString(),
    });
  } catch (err) {
    skipped.push({ partition, offset, reason: 'malformed', detail: (err as Error).message });
  }
}
