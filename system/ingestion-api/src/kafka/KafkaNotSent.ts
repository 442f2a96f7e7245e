/**
 * A send that failed before any of its Produce requests was written to a broker's socket: the
 * broker cannot have stored its orders, so the refusal is certain. Any other failed send may have
 * been written (the answer, not the request, was lost), and its outcome stays open.
 */
export class KafkaNotSent extends Error {
  constructor(cause: unknown) {
    super(`not sent to Kafka: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'KafkaNotSent';
  }
}
