import { setTimeout as sleep } from 'node:timers/promises';
import { encodeOrderEvent, type OrderRequest, type OrderResponse } from '@flux-gate/contracts';
import type { FastifyReply } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { sendError } from '../http/sendError.ts';
import { KafkaNotSent } from '../kafka/KafkaNotSent.ts';
import { KafkaAckTimeout, type PendingSend } from '../kafka/OrderBatcher.ts';
import type { ClaimedOrder } from '../redis/ClaimedOrder.ts';

const acceptedPrefix = 'accepted:';
const pendingPrefix = 'pending:';
const replayPollMs = 10;

const unknownMessage = 'Kafka did not acknowledge the order; it may still be placed. Retry with the same Idempotency-Key to learn the outcome.';

/**
 * What POST /order does after the Redis step: hand a taken unit to Kafka and answer once the broker
 * acked (handOff), or replay the first answer of an Idempotency-Key already seen (replay).
 */
export function orderOutcomes(ctx: ApiContext) {
  const { gate, release, batcher, takeover, log, config } = ctx;
  const replayDeadlineMs = config.timeouts.kafkaMs + config.timeouts.redisMs;

  const giveBack = (productId: string, orderId: string, key: string | undefined): void => {
    release(productId, orderId, key).catch((err: Error) =>
      log.error({ productId, orderId, err: err.message }, 'could not give a unit back; it stays taken until the sale is reseeded'),
    );
  };
  const commit = (productId: string, orderId: string, key: string | undefined): void => {
    gate.commit(productId, orderId, key).catch((err: Error) => log.warn({ productId, orderId, err: err.message }, 'could not record an accepted order in Redis'));
  };
  const settleLater = (fate: PendingSend, order: ClaimedOrder): void => {
    const { productId, orderId, idempotencyKey: key } = order;
    fate.settled.then((end) => {
      if (end === 'acked') commit(productId, orderId, key);
      else if (config.broken.ackBeforeKafka) {
        // The naive system believes the order done: it settles the in-flight record (so no takeover
        // resurrects the order) and the order is lost.
        commit(productId, orderId, key);
        log.error({ productId, orderId }, 'BROKEN MODE: order acknowledged to the client but dropped by Kafka');
      } else if (end === 'refused') giveBack(productId, orderId, key);
      // The broker may have written the order: it keeps its unit, and is produced again until acked.
      else takeover.finish(order, config.takeover.leaseMs);
    });
  };

  const handOff = async (reply: FastifyReply, body: OrderRequest, orderId: string, key: string | undefined): Promise<OrderResponse | FastifyReply> => {
    const { userId, productId } = body;
    const order: ClaimedOrder = { orderId, userId, productId, acceptedAt: new Date().toISOString(), ...(key === undefined ? {} : { idempotencyKey: key }) };
    let fate: PendingSend;
    try {
      fate = batcher.add({ key: productId, value: encodeOrderEvent({ ...order, quantity: 1 }) });
    } catch (err) {
      giveBack(productId, orderId, key);
      throw err;
    }
    if (config.broken.ackBeforeKafka) {
      settleLater(fate, order);
      return { status: 'accepted', orderId };
    }
    try {
      await fate.answer;
    } catch (err) {
      settleLater(fate, order);
      // The naive system gives the unit back on the error as well as when the send settles.
      if (config.broken.doubleGiveBack && !(err instanceof KafkaAckTimeout)) giveBack(productId, orderId, key);
      if (err instanceof KafkaNotSent) {
        log.warn({ productId, orderId, err: err.message }, 'the Kafka send failed before reaching a broker; answering 503');
        return sendError(reply, 'unavailable');
      }
      const late = err instanceof KafkaAckTimeout ? 'Kafka did not ack in time' : `the Kafka send failed after reaching a broker (${(err as Error).message})`;
      log.warn({ productId, orderId }, `${late}; answering 503 with the order id (outcome open)`);
      return sendError(reply, 'unavailable', { orderId, message: unknownMessage });
    }
    commit(productId, orderId, key);
    return { status: 'accepted', orderId };
  };

  /**
   * A request with an Idempotency-Key already seen: wait out a first request still in flight, then
   * replay its answer. If the first request's lease runs out meanwhile (its instance died or is
   * stuck), take its order over and answer with the same order id once Kafka acked.
   */
  const replay = async (reply: FastifyReply, productId: string, key: string, first: string | null): Promise<OrderResponse | FastifyReply> => {
    const deadline = performance.now() + replayDeadlineMs;
    let claimAt = 0;
    while (first?.startsWith(pendingPrefix) && performance.now() < deadline) {
      if (performance.now() >= claimAt) {
        const claimed = await gate.claim(productId, first.slice(pendingPrefix.length));
        if (claimed === null) claimAt = Infinity;
        else if (typeof claimed === 'number') claimAt = performance.now() + claimed;
        else if (await takeover.produce(claimed)) return { status: 'accepted', orderId: claimed.orderId };
        else return sendError(reply, 'unavailable', { orderId: claimed.orderId, message: unknownMessage });
      }
      await sleep(replayPollMs);
      first = await gate.firstAnswer(productId, key);
    }
    if (first?.startsWith(acceptedPrefix)) return { status: 'accepted', orderId: first.slice(acceptedPrefix.length) };
    if (first === 'sold_out' || first === 'already_ordered') return sendError(reply, first);
    if (first?.startsWith(pendingPrefix)) return sendError(reply, 'unavailable', { orderId: first.slice(pendingPrefix.length), message: unknownMessage });
    return sendError(reply, 'unavailable');
  };

  return { handOff, replay, giveBack };
}
