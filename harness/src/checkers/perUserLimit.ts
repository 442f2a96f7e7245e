import type { CheckResult, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';
import { firstWitnesses, orderWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

const pair = (userId: string, productId: string) => `${userId}\u0000${productId}`;

/**
 * No user holds more than perUserLimit units of a product: neither confirmed rows in PostgreSQL
 * nor distinct order ids answered 200.
 */
export function perUserLimit(input: CheckInput): CheckResult {
  const limit = input.perUserLimit;
  const witnesses: Witness[] = [];
  const over = new Set<string>();
  const byProduct = new ProductCounts();
  let extraUnits = 0;
  const confirmed = input.final.orders.filter((o) => o.status === 'confirmed');
  for (const rows of groupBy(confirmed, (o) => pair(o.userId, o.productId)).values()) {
    if (rows.length <= limit) continue;
    over.add(pair(rows[0]!.userId, rows[0]!.productId));
    extraUnits += rows.length - limit;
    byProduct.add(rows[0]!.productId, 'usersOverLimit');
    byProduct.add(rows[0]!.productId, 'extraUnits', rows.length - limit);
    witnesses.push(...rows.map((o) => orderWitness(o, `user holds ${rows.length} confirmed units, limit ${limit}`)));
  }
  let overPromised = 0;
  const answered = input.history.filter((e) => e.status === 200 && e.orderId);
  for (const [key, entries] of groupBy(answered, (e) => pair(e.userId, e.productId))) {
    const ids = [...new Set(entries.map((e) => e.orderId!))];
    if (ids.length <= limit) continue;
    overPromised++;
    byProduct.add(entries[0]!.productId, 'overPromised');
    if (over.has(key)) continue;
    over.add(key);
    const { userId, productId } = entries[0]!;
    witnesses.push(...ids.map((orderId) => ({ orderId, userId, productId, http: '200 accepted', note: `user answered 200 for ${ids.length} orders, limit ${limit}` })));
  }
  const fail = over.size > 0;
  return {
    name: 'per_user_limit',
    verdict: fail ? 'fail' : 'pass',
    summary: fail
      ? `${over.size} user/product pair(s) over the limit of ${limit}: ${extraUnits} confirmed unit(s) beyond it, ${overPromised} pair(s) answered 200 beyond it.`
      : `No user holds or was promised more than ${limit} unit(s) of a product (${confirmed.length} confirmed order(s)).`,
    counts: { limit, usersOverLimit: over.size, extraUnits, overPromised },
    ...byProduct.result(),
    witnesses: firstWitnesses(witnesses),
  };
}
