import type { FinalOrder, HistoryEntry, Witness } from '@flux-gate/run-format';

const maxWitnesses = 10;

/** "200 accepted", "409 sold_out", or "no answer (timeout)". */
export function httpLabel(entry: HistoryEntry): string {
  if (entry.status === 0) return `no answer (${entry.error ?? 'unknown'})`;
  return `${entry.status} ${entry.error ?? (entry.status === 200 ? 'accepted' : 'error')}`;
}

export function orderWitness(order: FinalOrder, note?: string): Witness {
  return {
    orderId: order.orderId,
    userId: order.userId,
    productId: order.productId,
    kafkaOffset: order.kafkaOffset === null ? undefined : `${order.kafkaPartition ?? '?'}:${order.kafkaOffset}`,
    dbRow: `orders(${order.status}${order.reason ? `, ${order.reason}` : ''})`,
    ...(note ? { note } : {}),
  };
}

export function requestWitness(entry: HistoryEntry, note?: string): Witness {
  return {
    ...(entry.orderId ? { orderId: entry.orderId } : {}),
    userId: entry.userId,
    productId: entry.productId,
    http: httpLabel(entry),
    ...(note ? { note } : {}),
  };
}

/** The first ten witnesses; a result never carries more. */
export const firstWitnesses = (witnesses: Witness[]): Witness[] => witnesses.slice(0, maxWitnesses);
