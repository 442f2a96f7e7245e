import type { CheckResult, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';
import { firstWitnesses, orderWitness } from './witness.ts';
import { ProductCounts } from './ProductCounts.ts';

/** Each order id has one row in PostgreSQL (per_user_limit checks the units each user holds). */
export function noDuplicates(input: CheckInput): CheckResult {
  const witnesses: Witness[] = [];
  const byProduct = new ProductCounts();
  let duplicateOrderIds = 0;
  for (const rows of groupBy(input.final.orders, (o) => o.orderId).values()) {
    if (rows.length < 2) continue;
    duplicateOrderIds++;
    byProduct.add(rows[0]!.productId, 'duplicateOrderIds');
    witnesses.push(...rows.map((o) => orderWitness(o, `order id has ${rows.length} rows`)));
  }
  const fail = duplicateOrderIds > 0;
  return {
    name: 'no_duplicates',
    verdict: fail ? 'fail' : 'pass',
    summary: fail ? `${duplicateOrderIds} order id(s) with more than one row.` : `${input.final.orders.length} order row(s), each order id once.`,
    counts: { rows: input.final.orders.length, duplicateOrderIds },
    ...byProduct.result(),
    witnesses: firstWitnesses(witnesses),
  };
}
