import type { CheckResult, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';
import { firstWitnesses, orderWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

const pair = (userId: string, productId: string) => `${userId}\u0000${productId}`;

/**
 * An Idempotency-Key places at most one order, however often it is retried: no user/product pair
 * holds more confirmed orders than the distinct keys it sent, and no key is answered 200 with two
 * order ids.
 */
export function oneOrderPerKey(input: CheckInput): CheckResult {
  const witnesses: Witness[] = [];
  const keysOf = new Map<string, Set<string>>();
  for (const e of input.history) {
    const k = pair(e.userId, e.productId);
    const keys = keysOf.get(k) ?? new Set<string>();
    keys.add(e.key);
    keysOf.set(k, keys);
  }
  const byProduct = new ProductCounts();
  let pairsOverKeys = 0;
  let extraOrders = 0;
  const confirmed = input.final.orders.filter((o) => o.status === 'confirmed');
  for (const [k, rows] of groupBy(confirmed, (o) => pair(o.userId, o.productId))) {
    const keys = keysOf.get(k)?.size ?? 0;
    if (rows.length <= keys) continue;
    pairsOverKeys++;
    extraOrders += rows.length - keys;
    byProduct.add(rows[0]!.productId, 'extraOrders', rows.length - keys);
    witnesses.push(...rows.map((o) => orderWitness(o, `${rows.length} confirmed orders from ${keys} Idempotency-Key(s)`)));
  }
  let keysWithTwoAnswers = 0;
  const answered = input.history.filter((e) => e.status === 200 && e.orderId);
  for (const [key, entries] of groupBy(answered, (e) => e.key)) {
    const ids = [...new Set(entries.map((e) => e.orderId!))];
    if (ids.length < 2) continue;
    keysWithTwoAnswers++;
    byProduct.add(entries[0]!.productId, 'keysWithTwoAnswers');
    witnesses.push(...ids.map((orderId) => ({ orderId, userId: entries[0]!.userId, productId: entries[0]!.productId, http: '200 accepted', note: `Idempotency-Key ${key} answered 200 with ${ids.length} order ids` })));
  }
  const fail = pairsOverKeys > 0 || keysWithTwoAnswers > 0;
  const keys = [...keysOf.values()].reduce((n, s) => n + s.size, 0);
  return {
    name: 'one_order_per_key',
    verdict: fail ? 'fail' : 'pass',
    summary: fail
      ? `${pairsOverKeys} user/product pair(s) hold more confirmed orders than the Idempotency-Keys they sent (${extraOrders} extra); ${keysWithTwoAnswers} key(s) answered 200 with two order ids.`
      : `${confirmed.length} confirmed order(s) from ${keys} Idempotency-Key(s): no key placed a second order.`,
    counts: { keys, pairsOverKeys, extraOrders, keysWithTwoAnswers },
    ...byProduct.result(),
    witnesses: firstWitnesses(witnesses),
  };
}
