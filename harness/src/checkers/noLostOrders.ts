import type { CheckResult, HistoryEntry, Verdict } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { firstWitnesses, orderWitness, requestWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

/**
 * Every order id answered 200 has a row in PostgreSQL after the drain. A missing order's witness
 * says where it was lost: never reached Kafka, or reached Kafka (at partition:offset) but not the
 * database. A row that says
 * 'rejected' still counts as recorded, but is counted as acceptedButRejected. Missing rows
 * fail only if the worker drained; otherwise they may still be on their way (unknown).
 */
export function noLostOrders(input: CheckInput): CheckResult {
  const rows = new Map(input.final.orders.map((o) => [o.orderId, o]));
  const accepted = new Map<string, HistoryEntry>();
  let acceptedWithoutOrderId = 0;
  for (const e of input.history) {
    if (e.outcome !== 'ok') continue;
    if (e.orderId) accepted.set(e.orderId, e);
    else acceptedWithoutOrderId++;
  }
  const missing = [...accepted.values()].filter((e) => !rows.has(e.orderId!));
  const rejected = [...accepted.keys()].flatMap((id) => (rows.get(id)?.status === 'rejected' ? [rows.get(id)!] : []));
  const byProduct = new ProductCounts();
  for (const e of missing) byProduct.add(e.productId, 'missing');
  for (const o of rejected) byProduct.add(o.productId, 'acceptedButRejected');
  const verdict: Verdict = missing.length > 0 ? (input.final.drained ? 'fail' : 'unknown') : acceptedWithoutOrderId > 0 ? 'unknown' : 'pass';
  const summaries: Record<Verdict, string> = {
    fail: `${missing.length} of ${accepted.size} accepted order(s) have no row in PostgreSQL after the drain.`,
    unknown: missing.length
      ? `${missing.length} of ${accepted.size} accepted order(s) have no row yet, but the worker did not drain (lag ${input.final.kafkaLag}).`
      : `Every accepted order id has a row, but ${acceptedWithoutOrderId} 200 answer(s) carried no order id to look up.`,
    pass: `All ${accepted.size} accepted order(s) have a row in PostgreSQL${rejected.length ? `, ${rejected.length} of them rejected by the worker` : ''}.`,
  };
  return {
    name: 'no_lost_orders',
    verdict,
    summary: summaries[verdict],
    counts: {
      accepted: accepted.size,
      missing: missing.length,
      ...(input.final.kafkaOrders ? { missingFromKafka: missing.filter((e) => !input.final.kafkaOrders![e.orderId!]).length } : {}),
      acceptedButRejected: rejected.length,
      acceptedWithoutOrderId,
    },
    ...byProduct.result(),
    witnesses: firstWitnesses([
      ...missing.map((e) => {
        const offset = input.final.kafkaOrders?.[e.orderId!];
        if (!input.final.kafkaOrders) return requestWitness(e, 'no row in orders');
        return offset
          ? { ...requestWitness(e, 'in Kafka but no row in orders: lost between Kafka and PostgreSQL'), kafkaOffset: offset }
          : requestWitness(e, 'never reached Kafka: lost between the API and Kafka');
      }),
      ...rejected.map((o) => ({ ...orderWitness(o, 'answered 200, then rejected by the worker'), http: '200 accepted' })),
    ]),
  };
}
