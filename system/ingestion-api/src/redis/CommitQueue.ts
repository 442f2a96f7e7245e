/** One order whose Kafka ack came: its unit is sold. */
export interface AckedOrder {
  orderId: string;
  idempotencyKey: string | undefined;
}

/** Records the acked orders of one product in Redis, in one round trip. */
export type CommitBatch = (productId: string, orders: AckedOrder[]) => Promise<void>;

interface Waiting extends AckedOrder {
  resolve: () => void;
  reject: (err: Error) => void;
}

const maxBatch = 1_000;

/**
 * Gathers the commits requested in one turn of the event loop (the orders of one Kafka ack wake up
 * together) and hands them to commitBatch by product, at most maxBatch at a time.
 */
export class CommitQueue {
  #waiting = new Map<string, Waiting[]>();
  #scheduled = false;

  constructor(readonly commitBatch: CommitBatch) {}

  /** Resolves once the order's commit is recorded; rejects if Redis refused it. */
  commit(productId: string, orderId: string, idempotencyKey: string | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      let orders = this.#waiting.get(productId);
      if (!orders) this.#waiting.set(productId, (orders = []));
      orders.push({ orderId, idempotencyKey, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    const waiting = this.#waiting;
    this.#waiting = new Map();
    this.#scheduled = false;
    for (const [productId, orders] of waiting) {
      for (let i = 0; i < orders.length; i += maxBatch) {
        const batch = orders.slice(i, i + maxBatch);
        this.commitBatch(productId, batch).then(
          () => batch.forEach((o) => o.resolve()),
          (err: Error) => batch.forEach((o) => o.reject(err)),
        );
      }
    }
  };
}
