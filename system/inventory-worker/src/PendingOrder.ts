/** One order read from Kafka, ready to be written. */
export interface PendingOrder {
  orderId: string;
  userId: string;
  productId: string;
  partition: number;
  /** Kafka offset, as a decimal string. */
  offset: string;
  /** Index of its line inside the message value. */
  line: number;
  /** The line as read, kept for the dead letter PostgreSQL may still call for. */
  raw: string;
  /** ISO time the API accepted the order. */
  acceptedAt: string;
}
