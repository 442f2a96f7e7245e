import { v7, validate, version } from 'uuid';

/** A new order id: a UUIDv7, whose first 48 bits are the time it was made, in ms. Ids sort by time. */
export const newOrderId = (): string => v7();

/** The time (ms since the epoch) an order id was made, or null for an id newOrderId did not make. */
export function orderIdTime(orderId: string): number | null {
  if (!validate(orderId) || version(orderId) !== 7) return null;
  return Number.parseInt(orderId.slice(0, 8) + orderId.slice(9, 13), 16);
}
