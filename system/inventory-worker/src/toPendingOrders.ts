import { orderMessageLines } from '@flux-gate/contracts';
import { deadLetter, type DeadLetter } from './DeadLetter.ts';
import { decodeOrderLine } from './decodeOrderLine.ts';
import type { PendingOrder } from './PendingOrder.ts';

/** One Kafka record of the orders topic: its offset (a decimal string) and raw value. */
export interface OrderMessage {
  offset: string;
  value: Buffer | null;
}

export interface DecodedBatch {
  orders: PendingOrder[];
  deadLetters: DeadLetter[];
}

/**
 * Decodes a partition's messages, each holding one or more orders (one per line), in order. A line
 * (or a whole value) that is no storable order becomes a dead letter; what needs PostgreSQL to judge
 * (unknown product, duplicate order id) is left to writeOrderBatch.
 */
export function toPendingOrders(partition: number, messages: readonly OrderMessage[]): DecodedBatch {
  const orders: PendingOrder[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const { offset, value } of messages) {
    let lines: string[];
    try {
      lines = orderMessageLines(value);
    } catch (err) {
      deadLetters.push(deadLetter({ partition, offset, line: 0 }, 'malformed', (err as Error).message, value));
      continue;
    }
    lines.forEach((raw, line) => {
      const decoded = decodeOrderLine(raw);
      if (decoded.ok) orders.push({ ...decoded.order, partition, offset, line, raw });
      else deadLetters.push(deadLetter({ partition, offset, line }, decoded.reason, decoded.detail, raw, decoded.fields));
    });
  }
  return { orders, deadLetters };
}
