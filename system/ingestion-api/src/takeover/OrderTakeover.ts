import { setTimeout as sleep } from 'node:timers/promises';
import { encodeOrderEvent } from '@flux-gate/contracts';
import type { Logger } from 'pino';
import type { OrderBatcher, PendingSend } from '../kafka/OrderBatcher.ts';
import type { ClaimedOrder } from '../redis/ClaimedOrder.ts';
import type { SaleGate } from '../redis/SaleGate.ts';

/** Pause between two produces of an order whose outcome is open. */
const retryMs = 500;

/**
 * Finishes an order another instance took but never settled, or one of this instance whose send
 * failed after the broker may have written it: produces the same order again (the worker writes
 * an order id once) and commits it on the ack. Never gives the unit back, since the
 * first produce may have reached Kafka: an order whose produce fails stays claimed for a later try.
 */
export class OrderTakeover {
  /** This instance's orders whose outcome is open, by order id, until when to send them again. */
  readonly #open = new Map<string, { order: ClaimedOrder; until: number }>();
  #retrying: Promise<void> | undefined;

  constructor(
    readonly batcher: OrderBatcher,
    readonly gate: SaleGate,
    readonly log: Logger,
  ) {}

  /** Resolves true once Kafka acked in time and the order is committed; false leaves it claimed. */
  async produce(order: ClaimedOrder): Promise<boolean> {
    let fate: PendingSend;
    try {
      fate = this.batcher.add({ key: order.productId, value: encodeOrderEvent({ ...order, quantity: 1 }) });
    } catch {
      return false;
    }
    const acked = await fate.answer.then(
      () => true,
      () => false,
    );
    if (acked) await this.#commit(order);
    else
      void fate.settled.then(async (end) => {
        if (end === 'acked') await this.#commit(order);
      });
    return acked;
  }

  /**
   * Produces an order of this instance whose send failed after a request was written (its outcome
   * open) again until Kafka acks it, for at most forMs; past that, the order is left in flight and
   * any instance's sweeper takes it over once its lease ran out. Every open order is sent again in
   * one batch every retryMs, so an outage does not crowd new orders out of the producers.
   */
  finish(order: ClaimedOrder, forMs: number): void {
    this.#open.set(order.orderId, { order, until: performance.now() + forMs });
    this.#retrying ??= this.#retryOpen().finally(() => (this.#retrying = undefined));
  }

  async #retryOpen(): Promise<void> {
    while (this.#open.size > 0) {
      await sleep(retryMs, undefined, { ref: false });
      const round = [...this.#open.values()];
      const acked = await Promise.all(round.map(({ order }) => this.produce(order)));
      const now = performance.now();
      round.forEach(({ order, until }, i) => {
        if (acked[i] || now + retryMs >= until) this.#open.delete(order.orderId);
      });
    }
  }

  /** Orders being finished (see finish): in flight, though none may be in the batcher at the moment. */
  get finishing(): number {
    return this.#open.size;
  }

  /** The orders being finished, counted by product (a product with none is absent). */
  finishingByProduct(): Map<string, number> {
    const byProduct = new Map<string, number>();
    for (const { order } of this.#open.values()) byProduct.set(order.productId, (byProduct.get(order.productId) ?? 0) + 1);
    return byProduct;
  }

  #commit(order: ClaimedOrder): Promise<void> {
    return this.gate.commit(order.productId, order.orderId, order.idempotencyKey).catch((err: Error) => {
      this.log.warn({ productId: order.productId, orderId: order.orderId, err: err.message }, 'could not record a taken-over order in Redis');
    });
  }
}
