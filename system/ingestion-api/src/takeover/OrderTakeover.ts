import { encodeOrderEvent } from '@flux-gate/contracts';
import type { Logger } from 'pino';
import type { OrderBatcher, PendingSend } from '../kafka/OrderBatcher.ts';
import type { ClaimedOrder } from '../redis/ClaimedOrder.ts';
import type { SaleGate } from '../redis/SaleGate.ts';

/**
 * Finishes an order another instance took but never settled: produces the same order again (the
 * worker writes an order id once) and commits it on the ack. Never gives the unit back, since the
 * first produce may have reached Kafka: an order whose produce fails stays claimed for a later try.
 */
export class OrderTakeover {
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
      void fate.settled.then(async (late) => {
        if (late) await this.#commit(order);
      });
    return acked;
  }

  #commit(order: ClaimedOrder): Promise<void> {
    return this.gate.commit(order.productId, order.orderId, order.idempotencyKey).catch((err: Error) => {
      this.log.warn({ productId: order.productId, orderId: order.orderId, err: err.message }, 'could not record a taken-over order in Redis');
    });
  }
}
