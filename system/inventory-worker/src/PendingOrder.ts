/** One order read from Kafka, ready to be written. */
export interface PendingOrder {
  orderId: string;
  userId: string;
  productId: string;
  partition: number;
  /** Kafka offset, as kafkajs gives it (a decimal string). */
  offset: string;
  /** ISO time the API accepted the order. */
  acceptedAt: string;
}

/** A message the worker could not store, with why; logged loudly and counted, never silently dropped. */
export interface SkippedMessage {
  partition: number;
  offset: string;
  reason: 'malformed' | 'unknown_product';
  detail: string;
  orderId?: string;
}
